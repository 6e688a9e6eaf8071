"""The lifecycle rules: each operation allowed only in the states the law allows, and the
snapshot always equal to the fold of its history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from ahaki.kernel.errors import InvalidState
from ahaki.registry.domain import lifecycle
from ahaki.registry.domain.commands import (
    CertificateReissueRequest,
    CertificateRewriteRequest,
    Correction,
    DispositionRequest,
    ErasureRequest,
    Registration,
    RelicensureRequest,
)
from ahaki.registry.domain.history import Actor, HistoryEvent, fold, make_event
from ahaki.registry.domain.operations import Operation
from ahaki.registry.domain.registrant import Registrant, Status
from tests.data import registration

TODAY = date(2026, 11, 29)
ACTOR = Actor(id="staff-1", role="registrar")


def new() -> Registrant:
    command = Registration.model_validate(registration())
    return lifecycle.register(
        command, tenant_id="foundation", qualification_pseudonym_id="q-1", registration_number=7, today=TODAY
    )


CORRECT = Correction(sex="male", reason="誤記")
REWRITE = CertificateRewriteRequest(reason="氏名変更")
REISSUE = CertificateReissueRequest(reason="torn")
SUSPEND = DispositionRequest(kind="practice_suspension", period_from=TODAY, period_to=date(2027, 5, 31), reason="処分")
REVOKE = DispositionRequest(kind="revocation", reason="取消")
ERASE_ON_REQUEST = ErasureRequest(reason="on_request")
ERASE_ON_DEATH = ErasureRequest(reason="death")
ERASE_ON_REVOCATION = ErasureRequest(reason="revocation")
RELICENSE = RelicensureRequest(reason="事由消滅")

Op = Callable[[Registrant], Registrant]
OPS: dict[str, Op] = {
    "correct": lambda r: lifecycle.correct(r, CORRECT, TODAY),
    "rewrite": lambda r: lifecycle.rewrite_certificate(r, REWRITE, TODAY),
    "reissue": lambda r: lifecycle.reissue_certificate(r, REISSUE, TODAY),
    "suspend": lambda r: lifecycle.dispose(r, SUSPEND, TODAY),
    "revoke": lambda r: lifecycle.dispose(r, REVOKE, TODAY),
    "erase_on_request": lambda r: lifecycle.erase(r, ERASE_ON_REQUEST, TODAY),
    "erase_on_death": lambda r: lifecycle.erase(r, ERASE_ON_DEATH, TODAY),
    "erase_on_revocation": lambda r: lifecycle.erase(r, ERASE_ON_REVOCATION, TODAY),
    "relicense": lambda r: lifecycle.relicense(r, RELICENSE, TODAY),
}

STATES: dict[str, Callable[[], Registrant]] = {
    "registered": new,
    "suspended": lambda: OPS["suspend"](new()),
    "revoked": lambda: OPS["revoke"](new()),
    "erased_on_request": lambda: OPS["erase_on_request"](new()),
    "erased_on_revocation": lambda: OPS["erase_on_revocation"](OPS["revoke"](new())),
}

# The law, as a table: which operation is allowed from which state.
ALLOWED: dict[str, set[str]] = {
    "correct": {"registered", "suspended"},
    "rewrite": {"registered", "suspended"},
    "reissue": {"registered", "suspended"},
    "suspend": {"registered"},
    "revoke": {"registered", "suspended"},
    "erase_on_request": {"registered", "suspended", "revoked"},
    "erase_on_death": {"registered", "suspended", "revoked"},
    "erase_on_revocation": {"revoked"},
    "relicense": {"revoked", "erased_on_revocation"},
}


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("operation", list(OPS))
def test_operation_allowed_only_where_the_law_allows(operation: str, state: str) -> None:
    before = STATES[state]()
    if state in ALLOWED[operation]:
        after = OPS[operation](before)
        assert after.version == before.version + 1
    else:
        with pytest.raises(InvalidState):
            OPS[operation](before)


def test_resulting_states() -> None:
    assert OPS["suspend"](new()).status is Status.SUSPENDED
    assert OPS["revoke"](new()).status is Status.REVOKED
    erased = OPS["erase_on_death"](new())
    assert erased.status is Status.ERASED and erased.erasure is not None and erased.erasure.erased_on == TODAY
    back = OPS["relicense"](STATES["erased_on_revocation"]())
    assert back.status is Status.REGISTERED and back.erasure is None and len(back.relicensures) == 1


def test_suspension_with_a_future_start_takes_effect_on_its_first_day() -> None:
    later = DispositionRequest(
        kind="practice_suspension", period_from=date(2026, 12, 10), period_to=date(2027, 1, 9), reason="処分"
    )
    suspended = lifecycle.dispose(new(), later, TODAY)
    assert suspended.effective_status(TODAY) is Status.REGISTERED
    assert suspended.effective_status(date(2026, 12, 9)) is Status.REGISTERED
    assert suspended.effective_status(date(2026, 12, 10)) is Status.SUSPENDED
    assert suspended.effective_status(date(2027, 1, 9)) is Status.SUSPENDED
    assert suspended.effective_status(date(2027, 1, 10)) is Status.REGISTERED


def test_a_second_suspension_keeps_the_first_one_in_force() -> None:
    first = DispositionRequest(
        kind="practice_suspension", period_from=date(2026, 12, 10), period_to=date(2027, 1, 9), reason="処分"
    )
    second = DispositionRequest(
        kind="title_use_suspension", period_from=date(2027, 3, 1), period_to=date(2027, 3, 31), reason="処分"
    )
    twice = lifecycle.dispose(lifecycle.dispose(new(), first, TODAY), second, TODAY)
    assert twice.effective_status(date(2026, 12, 20)) is Status.SUSPENDED
    assert twice.effective_status(date(2027, 2, 1)) is Status.REGISTERED
    assert twice.effective_status(date(2027, 3, 1)) is Status.SUSPENDED


def test_expired_suspension_counts_as_registered() -> None:
    suspended = OPS["suspend"](new())
    assert suspended.effective_status(date(2027, 5, 31)) is Status.SUSPENDED
    assert suspended.effective_status(date(2027, 6, 1)) is Status.REGISTERED
    assert OPS["revoke"](suspended).status is Status.REVOKED


def _with_history(steps: list[str]) -> tuple[Registrant, list[HistoryEvent]]:
    at = datetime(2026, 11, 29, tzinfo=UTC)
    current = new()
    events = [
        make_event(None, current, event_id="e1", operation=Operation.REGISTER, actor=ACTOR, occurred_at=at, reason=None)
    ]
    for n, step in enumerate(steps, start=2):
        after = OPS[step](current)
        events.append(
            make_event(
                current, after, event_id=f"e{n}", operation=Operation.CORRECT, actor=ACTOR, occurred_at=at, reason=step
            )
        )
        current = after
    return current, events


@pytest.mark.parametrize(
    "steps",
    [
        [],
        ["correct"],
        ["rewrite", "reissue", "suspend", "revoke", "erase_on_revocation", "relicense", "correct"],
        ["erase_on_death"],
    ],
)
def test_snapshot_is_the_fold_of_history(steps: list[str]) -> None:
    current, events = _with_history(steps)
    assert fold(events) == current
    assert fold(reversed(events)) == current


def test_events_hold_before_and_after_of_changed_items_only() -> None:
    _, events = _with_history(["correct"])
    assert events[1].changes.keys() == {"sex"}
    assert (events[1].changes["sex"].before, events[1].changes["sex"].after) == ("female", "male")


def test_fold_refuses_a_history_with_a_gap() -> None:
    _, events = _with_history(["correct", "rewrite"])
    with pytest.raises(ValueError, match="gap"):
        fold([events[0], events[2]])


def test_models_are_immutable() -> None:
    registrant: Any = new()
    with pytest.raises(Exception, match="frozen"):
        registrant.status = Status.ERASED
