"""The composition root's cache: made once per execution environment, forgotten by reset()."""

from __future__ import annotations

import pytest
from pydantic import Field, ValidationError

from ahaki.kernel.components import component, reset
from ahaki.kernel.settings import EnvironmentSettings


def test_a_component_is_made_once_per_arguments_until_reset() -> None:
    made: list[str] = []

    @component
    def client(table: str) -> object:
        made.append(table)
        return object()

    first = client("A")
    assert client("A") is first
    assert client("B") is not first
    assert made == ["A", "B"]
    reset()
    assert client("A") is not first
    assert made == ["A", "B", "A"]


class _Example(EnvironmentSettings):
    table: str = Field(alias="EXAMPLE_TABLE")
    size: int = Field(5, alias="EXAMPLE_SIZE")


def test_settings_read_their_declared_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXAMPLE_TABLE", "Examples")
    monkeypatch.setenv("EXAMPLE_SIZE", "7")
    assert _Example.from_env() == _Example(table="Examples", size=7)
    monkeypatch.delenv("EXAMPLE_SIZE")
    assert _Example.from_env().size == 5


def test_a_missing_required_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXAMPLE_TABLE", raising=False)
    with pytest.raises(ValidationError, match="EXAMPLE_TABLE"):
        _Example.from_env()
