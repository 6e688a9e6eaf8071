"""One registrant per portal pseudonym: claimed in the same transaction as the link, like the My
Number; the match shows who already holds an applicant's pseudonym."""

from __future__ import annotations

import pytest

from tests.data import registration
from tests.intake_data import new_registration, pseudonym
from tests.integration.conftest import Api
from tests.integration.intake.test_intake_api import CA, app_params, complete, submit
from tests.integration.intake.test_intake_kinds import approve


@pytest.fixture(autouse=True)
def _trust_the_test_ca(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNATURE_TRUST_ANCHORS_PEM", CA.pem)


def _snapshots_of(api: Api, who: str) -> list[str]:
    return [
        i["pk"]["S"]
        for i in api.items("RegisterTable")
        if i["sk"]["S"] == "SNAPSHOT" and i.get("gsi_portal", {}).get("S", "").endswith(f"#PP#{who}")
    ]


def test_staff_may_not_link_a_pseudonym_another_registrant_holds(api: Api) -> None:
    who = pseudonym()
    api.register(portal_pseudonym_id=who)
    second = api.call("register", body=registration(portal_pseudonym_id=who))
    assert second.status == 409 and second.body["type"].endswith("portal-pseudonym-in-use"), second.body
    assert second.body["field"] == "portal_pseudonym_id" and who not in str(second.body)
    assert len(_snapshots_of(api, who)) == 1
    assert api.call("register", body=registration()).status == 201  # the number sequence moved on


def test_a_correction_may_not_move_a_pseudonym_onto_a_second_registrant(api: Api) -> None:
    who = pseudonym()
    api.register(portal_pseudonym_id=who)
    other = api.register()
    moved = api.call(
        "correct",
        other["qualification_pseudonym_id"],
        {"portal_pseudonym_id": who, "reason": "紐付けの訂正"},
        headers={"If-Match": '"1"'},
    )
    assert moved.status == 409 and moved.body["type"].endswith("portal-pseudonym-in-use"), moved.body
    assert len(_snapshots_of(api, who)) == 1


def test_a_second_new_registration_from_a_linked_pseudonym_is_not_approved(api: Api) -> None:
    who = pseudonym()
    holder = api.register(portal_pseudonym_id=who)
    app_id = submit(api, who, new_registration()).body["application_id"]
    complete(api, who, app_id, ["medical_certificate"], fee=9000)
    match = api.call("match_application", params=app_params(app_id), role="approver")
    assert match.status == 200 and match.body["portal_pseudonym_holder"] == holder["qualification_pseudonym_id"]
    refused = approve(api, app_id)
    assert refused.status == 409 and refused.body["type"].endswith("portal-pseudonym-in-use"), refused.body
    assert api.call("get_my_application", params=app_params(app_id), portal=who).body["status"] == "received"
    assert len(_snapshots_of(api, who)) == 1


def test_the_pseudonym_is_free_again_once_its_registrant_is_erased(api: Api) -> None:
    who = pseudonym()
    holder = api.register(portal_pseudonym_id=who)
    erased = api.call("erase", holder["qualification_pseudonym_id"], {"reason": "on_request"})
    assert erased.status == 200, erased.body
    assert api.call("register", body=registration(portal_pseudonym_id=who)).status == 201
    moved_back = api.call(
        "correct",
        holder["qualification_pseudonym_id"],
        {"portal_pseudonym_id": pseudonym(), "reason": "x"},
        headers={"If-Match": '"2"'},
    )
    assert moved_back.status == 409  # an erased record is not corrected (unchanged rule)
