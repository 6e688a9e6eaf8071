"""The registry's use cases behave alike on the in-memory ports and on the real adapters (moto).

Every test runs twice (the ``any_ports`` fixture): a scenario that passes on moto and fails on the
fakes, or the reverse, means tests/fakes/ drifted from the adapters.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest

from ahaki.kernel.audit import verify_chain
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import (
    DuplicateMyNumber,
    InvalidInput,
    InvalidState,
    NotFound,
    PortalPseudonymInUse,
    VersionConflict,
)
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.values import NameKana
from ahaki.registry.domain.commands import (
    Correction,
    DispositionRequest,
    ErasureRequest,
    Registration,
    RelicensureRequest,
    SearchQuery,
)
from ahaki.registry.domain.history import fold
from ahaki.registry.domain.operations import Operation
from ahaki.registry.domain.registrant import DispositionKind, ErasureReason, Registrant, Status
from ahaki.registry.services import registry
from ahaki.registry.services.ports import Ports
from tests.data import registration
from tests.integration.registry.conftest import chain_records

CALLER = Caller("staff-1", "registrar", "foundation", "req-1")
ANMA = Qualification.ANMA_MASSAGE_SHIATSU


def _register(ports: Ports, **overrides: Any) -> Registrant:
    return registry.register(ports, CALLER, Registration.model_validate(registration(**overrides)))


def _correct(ports: Ports, qid: str, expected: int | None, sex: str = "male") -> Registrant:
    command = Correction.model_validate({"sex": sex, "reason": "誤記"})
    return registry.change(ports, CALLER, qid, Operation.CORRECT, command, expected)


def _erase(ports: Ports, qid: str, reason: ErasureReason) -> Registrant:
    return registry.change(ports, CALLER, qid, Operation.ERASE, ErasureRequest(reason=reason), None)


def _revoke(ports: Ports, qid: str) -> Registrant:
    command = DispositionRequest(kind=DispositionKind.REVOCATION, reason="処分")
    return registry.change(ports, CALLER, qid, Operation.DISPOSE, command, None)


def test_registrations_take_consecutive_numbers_and_read_back(any_ports: Ports) -> None:
    first, second = _register(any_ports), _register(any_ports)
    assert (first.registration_number, second.registration_number) == (1, 2)
    assert registry.get_registrant(any_ports, CALLER, first.qualification_pseudonym_id) == first
    assert first.version == 1 and first.status is Status.REGISTERED
    with pytest.raises(NotFound):
        registry.get_registrant(any_ports, CALLER, "no-such-registrant")
    other_tenant = Caller("staff-2", "registrar", "another", "req-2")
    with pytest.raises(NotFound):
        registry.get_registrant(any_ports, other_tenant, first.qualification_pseudonym_id)


def test_a_correction_with_a_stale_version_is_refused_and_without_one_applies(any_ports: Ports) -> None:
    qid = _register(any_ports).qualification_pseudonym_id
    assert _correct(any_ports, qid, 1).version == 2
    with pytest.raises(VersionConflict) as stale:
        _correct(any_ports, qid, 1, sex="female")
    assert stale.value.current_version == 2
    latest = _correct(any_ports, qid, None, sex="female")
    assert latest.version == 3 and registry.get_registrant(any_ports, CALLER, qid) == latest


def test_the_snapshot_is_the_fold_of_the_history(any_ports: Ports) -> None:
    qid = _register(any_ports).qualification_pseudonym_id
    _correct(any_ports, qid, 1)
    _revoke(any_ports, qid)
    history = registry.get_history(any_ports, CALLER, qid)
    assert [e.version for e in history] == [1, 2, 3]
    assert [e.operation for e in history] == [Operation.REGISTER, Operation.CORRECT, Operation.DISPOSE]
    assert fold(history) == registry.get_registrant(any_ports, CALLER, qid)


def test_a_duplicate_my_number_is_refused_and_takes_no_number(any_ports: Ports) -> None:
    body = registration()
    registry.register(any_ports, CALLER, Registration.model_validate(body))
    with pytest.raises(DuplicateMyNumber):
        registry.register(any_ports, CALLER, Registration.model_validate(registration(my_number=body["my_number"])))
    assert _register(any_ports).registration_number == 2


def test_erasure_for_good_frees_the_my_number_and_revocation_keeps_it(any_ports: Ports) -> None:
    gone, revoked = registration(), registration()
    gone_id = registry.register(any_ports, CALLER, Registration.model_validate(gone)).qualification_pseudonym_id
    revoked_id = registry.register(any_ports, CALLER, Registration.model_validate(revoked)).qualification_pseudonym_id
    assert _erase(any_ports, gone_id, ErasureReason.ON_REQUEST).status is Status.ERASED
    _revoke(any_ports, revoked_id)
    assert _erase(any_ports, revoked_id, ErasureReason.REVOCATION).status is Status.ERASED
    again = registry.register(any_ports, CALLER, Registration.model_validate(registration(my_number=gone["my_number"])))
    assert again.registration_number == 3
    with pytest.raises(DuplicateMyNumber):
        registry.register(any_ports, CALLER, Registration.model_validate(registration(my_number=revoked["my_number"])))


def test_relicensing_after_revocation_and_not_before(any_ports: Ports) -> None:
    qid = _register(any_ports).qualification_pseudonym_id
    command = RelicensureRequest(reason="再免許")
    with pytest.raises(InvalidState):
        registry.change(any_ports, CALLER, qid, Operation.RELICENSE, command, None)
    assert _revoke(any_ports, qid).status is Status.REVOKED
    relicensed = registry.change(any_ports, CALLER, qid, Operation.RELICENSE, command, 2)
    assert (relicensed.status, relicensed.certificate_serial, relicensed.version) == (Status.REGISTERED, 2, 3)


def test_search_by_number_by_kana_and_birth_date_and_by_status_in_pages(any_ports: Ports) -> None:
    kana = {"family": "ミホン", "given": "ハナコ"}
    twins = [_register(any_ports, name_kana=kana, birth_date="1980-01-02") for _ in range(2)]
    others = [_register(any_ports) for _ in range(3)]
    _revoke(any_ports, others[1].qualification_pseudonym_id)

    by_number = registry.search(any_ports, CALLER, SearchQuery(registration_number=3))
    assert [r.qualification_pseudonym_id for r in by_number.items] == [others[0].qualification_pseudonym_id]
    assert registry.search(any_ports, CALLER, SearchQuery(registration_number=99)).items == []

    query = SearchQuery(name_kana=NameKana.model_validate(kana), birth_date=date(1980, 1, 2))
    found = registry.search(any_ports, CALLER, query).items
    assert sorted(r.qualification_pseudonym_id for r in found) == sorted(r.qualification_pseudonym_id for r in twins)

    numbers: list[int] = []
    cursor: str | None = None
    for _ in range(3):
        page = registry.search(any_ports, CALLER, SearchQuery(status=Status.REGISTERED, limit=3, cursor=cursor))
        numbers += [r.registration_number for r in page.items]
        cursor = page.cursor
        if cursor is None:
            break
    assert numbers == [1, 2, 3, 5]
    revoked = registry.search(any_ports, CALLER, SearchQuery(status=Status.REVOKED)).items
    assert [r.registration_number for r in revoked] == [4]
    with pytest.raises(InvalidInput):
        registry.search(any_ports, CALLER, SearchQuery(status=Status.REGISTERED, cursor="not-a-cursor"))


def test_every_access_leaves_a_whole_audit_chain(any_ports: Ports) -> None:
    qid = _register(any_ports).qualification_pseudonym_id
    registry.get_registrant(any_ports, CALLER, qid)
    _correct(any_ports, qid, 1)
    registry.get_history(any_ports, CALLER, qid)
    assert registry.reveal_my_number(any_ports, CALLER, qid, "照合").isdigit()
    records = chain_records(any_ports, registry.registrant_chain("foundation", qid))
    assert [r.action for r in records] == ["register", "get_registrant", "correct", "get_history", "reveal_my_number"]
    assert verify_chain(records) is None


def test_the_vault_reveals_the_number_sealed_for_its_holder_only(any_ports: Ports) -> None:
    body = registration()
    qid = registry.register(any_ports, CALLER, Registration.model_validate(body)).qualification_pseudonym_id
    sealed = any_ports.vault.seal("foundation", ANMA, qid, body["my_number"])
    assert body["my_number"].encode() not in sealed.ciphertext
    assert registry.reveal_my_number(any_ports, CALLER, qid, "照合") == body["my_number"]
    assert any_ports.vault.reveal("foundation", "no-such-registrant") is None


def test_concurrent_registrations_get_consecutive_numbers(any_ports: Ports) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(lambda _: _register(any_ports).registration_number, range(16)))
    assert sorted(numbers) == list(range(1, 17))
    state = any_ports.sequence.state("foundation", ANMA)
    assert (state.last, state.turn) == (16, 16)


def test_a_portal_pseudonym_links_one_registrant(any_ports: Ports) -> None:
    who = f"pp-{uuid.uuid4().hex[:16]}"
    linked = _register(any_ports, portal_pseudonym_id=who)
    assert any_ports.reader.by_portal_pseudonym("foundation", who) == linked
    assert any_ports.reader.portal_pseudonym_holder("foundation", who) == linked.qualification_pseudonym_id
    with pytest.raises(PortalPseudonymInUse):
        _register(any_ports, portal_pseudonym_id=who)
    _erase(any_ports, linked.qualification_pseudonym_id, ErasureReason.ON_REQUEST)
    assert any_ports.reader.portal_pseudonym_holder("foundation", who) is None
    assert _register(any_ports, portal_pseudonym_id=who).registration_number == 2
