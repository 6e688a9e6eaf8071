"""The README's and docs/sandbox.md's walk-throughs, run one after the other in one fresh sandbox.

Every ```bash block that talks to the sandbox runs in one bash session, in document order. A
comment line right after a command that reads like output (``# HTTP/1.1 403 Forbidden``,
``# {"type": ".../problems/validation", ...}``, ``# ['register', ...]``, ``# 3.1.0 42``) is an
expectation: the output of the command before it must match it, "..." matching anything.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from infra.openapi import openapi_document

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", ROOT / "docs" / "sandbox.md"]
DOC_BASE = "http://127.0.0.1:3000"
_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.MULTILINE | re.DOTALL)
_EXPECTATION = re.compile(r"#\s*((?:HTTP/|\{|\[|\d).*)$")
MARK = "@@walk-through-check@@"


@dataclass(frozen=True)
class Expectation:
    document: str
    pattern: str


def shell_blocks(path: Path) -> list[str]:
    """The blocks that talk to a running sandbox (not the ones that run make or deploy)."""
    blocks = _BLOCK.findall(path.read_text(encoding="utf-8"))
    return [b for b in blocks if not re.search(r"^\s*(make|npx)\s", b, re.MULTILINE)]


def script_and_expectations() -> tuple[str, list[Expectation]]:
    lines: list[str] = []
    expectations: list[Expectation] = []
    for path in DOCUMENTS:
        for block in shell_blocks(path):
            for line in block.splitlines():
                lines.append(line)
                found = _EXPECTATION.fullmatch(line.strip())
                if found:
                    expectations.append(Expectation(path.name, found.group(1).strip()))
                    lines.append(f"echo {MARK}")
    return "\n".join(lines) + "\n", expectations


def matches(pattern: str, output: str) -> bool:
    """Whitespace-insensitive; "..." matches anything. An HTTP pattern is matched from the last
    status line of the output (the response of the command just before it); any other anywhere
    in the output since the previous expectation (curl -s output has no final newline)."""
    squeeze = re.compile(r"\s+")
    regex = ".*?".join(re.escape(squeeze.sub("", part)) for part in pattern.split("..."))
    if pattern.startswith("HTTP/"):
        start = output.rfind("HTTP/")
        return start >= 0 and re.match(regex, squeeze.sub("", output[start:]), re.DOTALL) is not None
    return re.search(regex, squeeze.sub("", output), re.DOTALL) is not None


@pytest.fixture
def fresh_sandbox(tmp_path: Path) -> Iterator[str]:
    """A new sandbox process (its own moto, pool and data); its URL. Tokens in tmp_path/.sandbox."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "infra.sandbox", "--port", "0", "--tokens", str(tmp_path / ".sandbox/tokens.json")]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    url = None
    deadline = time.monotonic() + 240
    while url is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        found = re.search(r"listening on (http://\S+)", line)
        url = found.group(1) if found else None
        if not line and process.poll() is not None:
            break
    try:
        assert url is not None, "the sandbox did not start"
        yield url
    finally:
        process.terminate()
        process.communicate(timeout=60)


def test_the_documents_state_the_number_of_paths_the_api_has() -> None:
    paths = len(openapi_document()["paths"])
    _, expectations = script_and_expectations()
    counts = [e for e in expectations if e.pattern.startswith("3.1")]
    assert counts, "a walk-through states the number of paths in /openapi.json"
    for expectation in counts:
        assert expectation.pattern == f"3.1.0 {paths}", f"{expectation.document} says {expectation.pattern}"


def test_the_walk_throughs_run_one_after_the_other(fresh_sandbox: str, tmp_path: Path) -> None:
    script, expectations = script_and_expectations()
    assert len(expectations) >= 15  # the checks below are not vacuous
    script = script.replace(DOC_BASE, fresh_sandbox).replace("/tmp/", f"{tmp_path}/")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    done = subprocess.run(
        ["bash"], input=script, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    outputs = done.stdout.split(MARK + "\n")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert len(outputs) == len(expectations) + 1, done.stdout[-2000:]
    for expectation, output in zip(expectations, outputs, strict=False):
        assert matches(expectation.pattern, output), (
            f"{expectation.document}: expected {expectation.pattern!r}, got {output[-600:]!r}"
        )
