"""The audit chain: any edit, removal or reordering breaks it."""

from __future__ import annotations

from datetime import UTC, datetime

from ahaki.kernel.audit import AuditEntry, ChainHead, Outcome, append, verify_chain


def _chain(n: int) -> list:  # type: ignore[type-arg]
    head = ChainHead(chain="T#foundation#Q#q-1")
    records = []
    for i in range(n):
        entry = AuditEntry(
            tenant_id="foundation",
            actor=f"staff-{i}",
            role="registrar",
            action="get_registrant",
            outcome=Outcome.ALLOWED,
            occurred_at=datetime(2026, 11, 29, tzinfo=UTC),
            request_id=f"r{i}",
            subject="q-1",
        )
        record = append(head, entry)
        records.append(record)
        head = ChainHead(chain=head.chain, seq=record.seq, hash=record.hash)
    return records


def test_a_whole_chain_verifies() -> None:
    assert verify_chain(_chain(5)) is None


def test_edits_and_removals_break_the_chain() -> None:
    records = _chain(5)
    edited = [*records[:2], records[2].model_copy(update={"actor": "someone-else"}), *records[3:]]
    assert verify_chain(edited) == 3
    assert verify_chain([*records[:1], *records[2:]]) == 3
    assert verify_chain(records[1:]) == 2
