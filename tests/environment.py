"""Environment variables a test changes, read the way a new execution environment reads them."""

from __future__ import annotations

import pytest

from ahaki.kernel.components import reset


class Environment:
    """Variables changed for one test, each change read as a new execution environment reads it:
    settings are read once per environment (``kernel.components``), so every change resets them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch

    def set(self, name: str, value: str) -> None:
        self._monkeypatch.setenv(name, value)
        reset()

    def delete(self, name: str) -> None:
        self._monkeypatch.delenv(name, raising=False)
        reset()
