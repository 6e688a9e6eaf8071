"""What the sync concludes for one registrant: the verdicts, and which of them staff must look at."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    UNCHANGED = "unchanged"
    # Written differently, the same values (notation.*): an address adopts the resident register's
    # notation silently, a name's form is recorded for staff; no finding, never a notice.
    NOTATION = "notation"
    # The reading (フリガナ) differs while the name is the same: the resident register records the
    # official reading (since 2025); ours is what was typed. Not a change of name (no duty for the
    # holder): recorded for staff to align the register's フリガナ, no finding, no notice.
    KANA_DIFFERS = "kana_differs"
    ADDRESS_CHANGED = "address_changed"  # a move: applied and announced as a change of address
    NAME_CHANGED = "name_changed"  # a finding: the correction is the holder's duty (30 days)
    DETAILS_CHANGED = "details_changed"  # sex or birth date differ: a finding
    DECEASED = "deceased"  # an erasure candidate, never erased automatically
    REMOVED = "removed"  # an erasure candidate
    NOT_FOUND = "not_found"
    SEVERAL_MATCHES = "several_matches"
    JLIS_ERROR = "jlis_error"


FINDING_VERDICTS = frozenset(Verdict) - {
    Verdict.UNCHANGED,
    Verdict.NOTATION,
    Verdict.KANA_DIFFERS,
    Verdict.ADDRESS_CHANGED,
}
ERASURE_CANDIDATES = frozenset({Verdict.DECEASED, Verdict.REMOVED})
