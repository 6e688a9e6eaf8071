"""What a failed condition on the history event means: a lost turn on a registration, a version
another writer recorded first on a change."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, cast

import pytest
from botocore.exceptions import ClientError

from ahaki.kernel.errors import VersionConflict
from ahaki.kernel.settings import Settings
from ahaki.registry.adapters.unit_of_work import DynamoUnitOfWork
from ahaki.registry.domain import lifecycle
from ahaki.registry.domain.commands import Registration
from ahaki.registry.domain.history import Actor, HistoryEvent, make_event
from ahaki.registry.domain.operations import Operation
from ahaki.registry.domain.registrant import Registrant
from ahaki.registry.keys import EVENT_PREFIX
from ahaki.registry.services.ports import SequenceContention, Turn
from tests.data import registration

SETTINGS = Settings(register_table="Register", vault_table="Vault", audit_table="Audit", outbox_table="Outbox")


if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class EventPutFails:
    """A client whose transaction is cancelled on the history event's put alone."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def transact_write_items(self, TransactItems: list[dict[str, Any]], **_: Any) -> None:
        self.items = TransactItems
        reasons = [{"Code": "ConditionalCheckFailed" if _is_event(i) else "None"} for i in TransactItems]
        response: Any = {"Error": {"Code": "TransactionCanceledException"}, "CancellationReasons": reasons}
        raise ClientError(response, "TransactWriteItems")


def _is_event(item: dict[str, Any]) -> bool:
    put = item.get("Put") or {}
    return put.get("TableName") == "Register" and put["Item"]["sk"]["S"].startswith(EVENT_PREFIX)


def _registrant(version: int) -> Registrant:
    command = Registration.model_validate(registration())
    made = lifecycle.register(
        command,
        tenant_id="foundation",
        qualification_pseudonym_id="q-1",
        registration_number=7,
        today=date(2026, 12, 3),
    )
    return made.model_copy(update={"version": version})


def _event(before: Registrant | None, after: Registrant, operation: Operation) -> HistoryEvent:
    actor = Actor(id="staff-1", role="registrar")
    now = datetime(2026, 12, 3, tzinfo=UTC)
    return make_event(before, after, event_id="e-1", operation=operation, actor=actor, occurred_at=now, reason=None)


def test_a_taken_event_on_a_change_is_a_conflict_at_the_events_version() -> None:
    before, after = _registrant(3), _registrant(4)
    client = EventPutFails()
    uow = DynamoUnitOfWork(cast("DynamoDBClient", client), SETTINGS)  # the fake has transact_write_items only
    uow.update(after, _event(before, after, Operation.CORRECT))
    with pytest.raises(VersionConflict) as raised:
        uow.commit()
    assert raised.value.current_version == 4
    assert sum(_is_event(i) for i in client.items) == 1  # the failure came from the event's put


def test_a_taken_event_on_a_registration_is_sequence_contention() -> None:
    registrant = _registrant(1)
    client = EventPutFails()
    uow = DynamoUnitOfWork(cast("DynamoDBClient", client), SETTINGS)  # the fake has transact_write_items only
    uow.create(registrant, _event(None, registrant, Operation.REGISTER), Turn(number=7, ticket=7))
    with pytest.raises(SequenceContention):
        uow.commit()
    assert sum(_is_event(i) for i in client.items) == 1
