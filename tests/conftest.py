"""Shared fixtures. The autouse log guard fails any test whose logs carry personal data."""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Iterator

import pytest

os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "ahaki-register")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

from ahaki.kernel.components import reset
from tests.data import SENSITIVE
from tests.environment import Environment


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record) + repr(record.__dict__))
        except Exception:
            self.lines.append(repr(record.__dict__))


class _CurrentStdout(io.TextIOBase):
    """Powertools binds its handler to sys.stdout at import; pytest swaps sys.stdout per test."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


@pytest.fixture(autouse=True, scope="session")
def _powertools_writes_to_the_current_stdout() -> None:
    import ahaki.http.resolver  # noqa: F401 - creates the Powertools logger

    for handler in logging.getLogger("ahaki-register").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(_CurrentStdout())


@pytest.fixture(autouse=True)
def no_personal_data_in_logs(capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    """Everything logged (stdlib loggers and Powertools' stdout JSON) is searched for every
    name, address and My Number the test data handed out."""
    capture = _Capture()
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in ("ahaki-register", "aws_lambda_powertools"))]
    for logger in loggers:
        logger.addHandler(capture)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(capture)
    out, err = capsys.readouterr()
    text = "\n".join([*capture.lines, out, err])
    leaked = sorted(value for value in SENSITIVE if value in text)
    assert not leaked, f"personal data reached the logs ({len(leaked)} values; first kind: {_kind(leaked[0])})"


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[Environment]:
    """Set or delete variables for this test; what was built from them is forgotten afterwards."""
    reset()
    yield Environment(monkeypatch)
    reset()  # the next build reads the variables monkeypatch restores


def _kind(value: str) -> str:
    return "my_number" if value.isdigit() else "name or address"
