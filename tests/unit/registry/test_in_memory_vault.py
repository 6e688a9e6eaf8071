"""The in-memory vault keeps a My Number as the KMS vault does: only ciphertext bound to its holder
and a blind index, never the number in clear anywhere in the fakes' store."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from ahaki.kernel.caller import Caller
from ahaki.kernel.qualification import Qualification
from ahaki.registry.domain.commands import Registration
from ahaki.registry.services import registry
from tests.data import registration
from tests.fakes.registry import in_memory_ports
from tests.fakes.store import RegisterStore

CALLER = Caller("staff-1", "registrar", "foundation", "req-1")


def test_the_store_holds_no_my_number_in_clear_and_a_ciphertext_opens_for_its_holder_only() -> None:
    store = RegisterStore()
    ports = in_memory_ports(store)
    body = registration()
    qid = registry.register(ports, CALLER, Registration.model_validate(body)).qualification_pseudonym_id
    other = registry.register(ports, CALLER, Registration.model_validate(registration())).qualification_pseudonym_id
    assert (
        body["my_number"] not in repr(store)
        and body["my_number"].encode() not in store.sealed[("foundation", qid)].ciphertext
    )
    store.sealed[("foundation", other)] = store.sealed[("foundation", qid)]  # a ciphertext copied to another holder
    with pytest.raises(ClientError, match="InvalidCiphertext"):  # as KMS: bound to its holder
        ports.vault.reveal("foundation", other)
    assert ports.vault.reveal("foundation", qid) == body["my_number"]
    assert ports.vault.seal("foundation", Qualification.ANMA_MASSAGE_SHIATSU, qid, body["my_number"]).blind_index == (
        store.sealed[("foundation", qid)].blind_index
    )
