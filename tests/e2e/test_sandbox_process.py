"""`make run` as a process: it stops cleanly on Ctrl-C and SIGTERM, also under a burst of signals,
and a port in use says how to choose another."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 240  # seconds: the machine is shared; start-up is ~10 s when idle
STOP_TIMEOUT = 20


class Sandbox:
    def __init__(self, tmp_path: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("SANDBOX_PORT", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "infra.sandbox", "--port", "0", "--tokens", str(tmp_path / "tokens.json"), *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_for(self, text: str) -> None:
        assert self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if text in line:
                return
            if not line and self.process.poll() is not None:
                break
        pytest.fail(f"the sandbox never printed {text!r}")

    def burst(self, signals: list[signal.Signals]) -> None:
        for signum in signals:
            self.process.send_signal(signum)

    def finish(self) -> tuple[int, str]:
        """Exit status and stderr, or fails if the process does not end in time."""
        try:
            _, stderr = self.process.communicate(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            pytest.fail(f"the sandbox did not stop within {STOP_TIMEOUT} s")
        return self.process.returncode, stderr


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Sandbox]:
    sandbox = Sandbox(tmp_path, "--no-seed")
    yield sandbox
    if sandbox.process.poll() is None:
        sandbox.process.kill()
        sandbox.process.communicate()


BURST = [signal.SIGINT, signal.SIGTERM] * 25


# Pending signals are delivered lowest number first, so which one of a burst counts is the kernel's.
EITHER = {0, 130}


@pytest.mark.parametrize(
    ("signals", "statuses"),
    [([signal.SIGTERM], {0}), ([signal.SIGINT], {130}), (BURST, EITHER), (list(reversed(BURST)), EITHER)],
    ids=["sigterm", "ctrl-c", "burst-from-ctrl-c", "burst-from-sigterm"],
)
def test_stops_cleanly_once_serving(started: Sandbox, signals: list[signal.Signals], statuses: set[int]) -> None:
    started.wait_for("Ctrl-C stops the sandbox")
    started.burst(signals)
    code, stderr = started.finish()
    assert code in statuses
    assert "Traceback" not in stderr


def test_stops_cleanly_when_signalled_while_starting(started: Sandbox) -> None:
    started.wait_for("starting")
    started.burst(BURST)
    code, stderr = _finish_slowly(started)
    assert code in EITHER
    assert "Traceback" not in stderr


def _finish_slowly(sandbox: Sandbox) -> tuple[int, str]:
    # Start-up runs to its end (seconds) before the shutdown: allow for it.
    try:
        _, stderr = sandbox.process.communicate(timeout=START_TIMEOUT)
    except subprocess.TimeoutExpired:
        sandbox.process.kill()
        pytest.fail("the sandbox signalled while starting never stopped")
    return sandbox.process.returncode, stderr


def test_a_port_in_use_says_how_to_choose_another(tmp_path: Path) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        process = subprocess.run(
            [sys.executable, "-m", "infra.sandbox", "--port", str(port), "--no-seed", "--tokens", str(tmp_path / "t")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
        )
    assert process.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in process.stderr
    assert "SANDBOX_PORT=" in process.stderr
    assert "Traceback" not in process.stderr
