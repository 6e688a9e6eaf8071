"""The contract suite finds what a function reads from its environment by reading its code
(``tests/infra/contract/code_reads.py``). Here the handlers run their sample events with the
environment recording every read our code makes: nothing read at run time may be missing from
what the code reading found."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator, MutableMapping
from importlib import import_module
from pathlib import Path

import pytest

from ahaki.kernel.components import reset
from infra.sandbox.emulated_aws import EmulatedAws
from infra.sandbox.events import FakeLambdaContext
from tests.infra.contract.code_reads import reads_of_function

EVENTS = Path(__file__).resolve().parents[3] / "events"
OURS = (os.sep + os.path.join("layers", "ahaki") + os.sep, os.sep + "functions" + os.sep)


class RecordingEnvironment(MutableMapping[str, str]):
    """``os.environ`` that notes each name our code (not a library's) looks up."""

    def __init__(self, real: MutableMapping[str, str]) -> None:
        self._real = real
        self.read: set[str] = set()

    def _note(self, key: object) -> None:
        caller = sys._getframe(2).f_code.co_filename
        if isinstance(key, str) and any(part in caller for part in OURS):
            self.read.add(key)

    def __getitem__(self, key: str) -> str:
        self._note(key)
        return self._real[key]

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        self._note(key)
        return self._real.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return key in self._real

    def __setitem__(self, key: str, value: str) -> None:
        self._real[key] = value

    def __delitem__(self, key: str) -> None:
        del self._real[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._real)

    def __len__(self) -> int:
        return len(self._real)


def _clear_caches() -> None:
    reset()
    for name, module in list(sys.modules.items()):
        if name.startswith(("ahaki.", "functions.")):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


@pytest.mark.parametrize("function", sorted(p.name for p in EVENTS.iterdir() if p.is_dir()))
def test_what_a_handler_reads_at_run_time_the_code_reading_found(
    aws: EmulatedAws, monkeypatch: pytest.MonkeyPatch, function: str
) -> None:
    handler = import_module(f"functions.{function}.handler")
    recording = RecordingEnvironment(os.environ)
    monkeypatch.setattr(os, "environ", recording)
    for sample in sorted((EVENTS / function).glob("*.json")):
        _clear_caches()  # each event as in a new execution environment: the wiring is read again
        with contextlib.suppress(Exception):  # a worker may fail on a sample naming nothing; its reads count
            handler.lambda_handler(json.loads(sample.read_text(encoding="utf-8")), FakeLambdaContext())
    _clear_caches()
    assert recording.read, "the recorder saw no read: it is not in the code's way"
    assert recording.read <= {r.name for r in reads_of_function(function)}
