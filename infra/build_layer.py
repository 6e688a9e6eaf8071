"""Build the dependency Lambda layer (layers/dependencies/python) without Docker.

The layer holds the third-party runtime dependencies pinned in uv.lock (aws-lambda-powertools,
pydantic + pydantic-core, python-stdnum, pycountry and their dependencies) as wheels for the
Lambda runtime (CPython 3.14 on arm64, manylinux2014), not for this machine. boto3, botocore and
s3transfer are left out (the Lambda Python runtime provides them), and so is whatever only they
need (python-dateutil, six, urllib3), read from the ``# via`` annotations of the export.

Steps:
1. ``uv export --frozen --no-dev --no-hashes --no-emit-project`` -> exact pins from uv.lock;
2. drop the runtime-provided packages and their private dependencies;
3. ``uv pip install --target layers/dependencies/python --python-platform aarch64-manylinux2014
   --python-version 3.14 --only-binary :all: --no-deps -r <requirements>`` (binary wheels only, so
   nothing is compiled for the wrong platform; ``--no-deps`` because the export is already the
   full resolved set). ``--installer pip`` uses ``pip install --platform manylinux2014_aarch64
   --implementation cp ...`` instead (needs an interpreter with pip; uv's venv has none).

Usage (from anywhere): ``.venv/bin/python infra/build_layer.py`` (``make layers``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LAYER_DIR = REPO_ROOT / "layers" / "dependencies"
TARGET_DIR = LAYER_DIR / "python"

PYTHON_VERSION = "3.14"  # must match the Lambda runtime in infra/register_stack/functions.py
PIP_PLATFORM = "manylinux2014_aarch64"  # must match Architecture.ARM_64
UV_PLATFORM = "aarch64-manylinux2014"
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer"})
# The project's own pinned uv (``make`` installs it); never whatever a machine has on PATH.
PINNED_UV = REPO_ROOT / ".tools" / "bin" / "uv"

_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def uv_executable() -> str:
    """The uv to run: ``$UV`` if set, else the project's pinned one in ``.tools/bin``."""
    uv = Path(os.environ.get("UV") or PINNED_UV)
    if not uv.is_file():
        raise SystemExit(f"uv not found at {uv}: run `make setup` (it installs the pinned uv into .tools/)")
    return str(uv)


def exported_requirements(repo_root: Path = REPO_ROOT) -> str:
    """``uv export`` of the locked runtime requirements, with its ``# via`` annotations."""
    result = subprocess.run(  # noqa: S603
        [uv_executable(), "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project", "--no-header"],
        cwd=repo_root,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def parse_export(text: str) -> dict[str, tuple[str, frozenset[str]]]:
    """``{normalised name: (requirement line, names of the packages that need it)}``."""
    parsed: dict[str, tuple[str, set[str]]] = {}
    current: str | None = None
    in_via = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            if line.startswith("-"):  # an option line such as ``-e .``: not a requirement
                current = None
                continue
            match = _NAME.match(line)
            if match is None:
                raise ValueError(f"unexpected requirement line: {line!r}")
            current = _normalise(match.group(1))
            parsed[current] = (line, set())
            in_via = False
            continue
        comment = line.lstrip("#").strip()
        if current is None:
            continue
        if comment.startswith("via"):
            in_via = True
            rest = comment.removeprefix("via").strip()
            if rest:
                parsed[current][1].add(_normalise(rest))
        elif in_via and comment:
            parsed[current][1].add(_normalise(comment))
    return {name: (line, frozenset(via)) for name, (line, via) in parsed.items()}


def layer_requirements(export: str, exclude: frozenset[str] = RUNTIME_PROVIDED) -> list[str]:
    """Requirement lines minus the runtime-provided packages and whatever only they need.

    python-dateutil, six and urllib3 come in only through botocore: shipping them would shadow
    the runtime's own copies (layers come first on sys.path) for no benefit. jmespath stays,
    because Powertools needs it too.
    """
    packages = parse_export(export)
    dropped = {_normalise(name) for name in exclude}
    changed = True
    while changed:  # transitively: a package whose every dependant is dropped is dropped too
        changed = False
        for name, (_, via) in packages.items():
            if name not in dropped and via and via <= dropped:
                dropped.add(name)
                changed = True
    return [line for name, (line, _) in packages.items() if name not in dropped]


def install_command(installer: str, requirements: Path, target: Path) -> list[str]:
    if installer == "uv":
        return [
            uv_executable(), "pip", "install",
            "--target", str(target),
            "--python-platform", UV_PLATFORM,
            "--python-version", PYTHON_VERSION,
            "--only-binary", ":all:",
            "--no-deps",
            "--no-cache",
            "--quiet",
            "-r", str(requirements),
        ]  # fmt: skip
    return [
        sys.executable, "-m", "pip", "install",
        "--target", str(target),
        "--platform", PIP_PLATFORM,
        "--implementation", "cp",
        "--python-version", PYTHON_VERSION,
        "--only-binary=:all:",
        "--no-deps",
        "--no-compile",
        "--disable-pip-version-check",
        "--quiet",
        "-r", str(requirements),
    ]  # fmt: skip


def _prune(target: Path) -> None:
    """Drop files the runtime never needs (keeps the layer small and the asset hash stable)."""
    for cache in target.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    for path in target.rglob("*.pyc"):
        path.unlink(missing_ok=True)
    bin_dir = target / "bin"  # console scripts written by the installer
    if bin_dir.is_dir():
        shutil.rmtree(bin_dir)


def build(installer: str = "uv", target: Path = TARGET_DIR) -> list[str]:
    requirements = layer_requirements(exported_requirements())
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        req_file = Path(tmp) / "requirements.txt"
        req_file.write_text("\n".join(requirements) + "\n", encoding="utf-8")
        subprocess.run(install_command(installer, req_file, target), cwd=REPO_ROOT, check=True)  # noqa: S603
    _prune(target)
    return requirements


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--installer", choices=("uv", "pip"), default="uv")
    args = parser.parse_args(argv)
    requirements = build(args.installer)
    print(f"dependency layer built in {TARGET_DIR.relative_to(REPO_ROOT)} "
          f"(cp{PYTHON_VERSION.replace('.', '')}, {PIP_PLATFORM}):")  # fmt: skip
    for line in requirements:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
