"""The kinds of events the sync emits (the catalogue of all kinds: notifications/domain/events.py)."""

from __future__ import annotations

from ahaki.residents.domain.verdicts import Verdict


def finding_kind(verdict: Verdict) -> str:
    """A sync finding was opened; the verdict is in the kind, so each has its own template."""
    return f"sync.finding_opened.{verdict.value}"
