"""The kinds of events the register emits (the catalogue of all kinds: notifications/domain/events.py)."""

from __future__ import annotations

from ahaki.registry.domain.operations import Operation


def registrant_kind(operation: Operation) -> str:
    return f"registrant.{operation.value}"
