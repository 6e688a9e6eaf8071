"""Items 24/25 hold the names of the persons in office on the registration date (the tenant's
table of office holders), unless staff give them; never the office titles."""

from __future__ import annotations

import json

import pytest

from tests.data import registration
from tests.intake_data import new_registration, pseudonym
from tests.integration.conftest import Api
from tests.integration.intake.test_intake_api import CA, app_params, complete, submit
from tests.integration.intake.test_intake_kinds import approve

TABLE = {
    "foundation": [
        {"office": "minister", "name": "見本 一郎", "since": "2020-01-01", "until": "2024-09-30"},
        {"office": "minister", "name": "見本 二郎", "since": "2024-10-01"},
        {"office": "chair", "name": "試験 花子", "since": "2020-01-01"},
    ]
}


@pytest.fixture(autouse=True)
def _office_holders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNATURE_TRUST_ANCHORS_PEM", CA.pem)
    monkeypatch.setenv("OFFICE_HOLDERS", json.dumps(TABLE, ensure_ascii=False))


def _without_names(**overrides: object) -> dict[str, object]:
    body = registration(**overrides)
    del body["minister_name"], body["chair_name"]
    return body


def test_an_approved_application_records_the_names_in_office(api: Api) -> None:
    who = pseudonym()
    app_id = submit(api, who, new_registration()).body["application_id"]
    complete(api, who, app_id, ["medical_certificate"], fee=9000)
    approved = approve(api, app_id)
    assert approved.status == 200, approved.body
    registrant = api.call("get_registrant", approved.body["subject_id"], role="viewer").body
    assert (registrant["minister_name"], registrant["chair_name"]) == ("見本 二郎", "試験 花子")


@pytest.mark.parametrize(("registered_on", "minister"), [("2024-09-30", "見本 一郎"), ("2024-10-01", "見本 二郎")])
def test_staff_registration_takes_the_minister_in_office_on_the_registration_date(
    api: Api, registered_on: str, minister: str
) -> None:
    reply = api.call("register", body=_without_names(registered_on=registered_on))
    assert reply.status == 201, reply.body
    assert (reply.body["minister_name"], reply.body["chair_name"]) == (minister, "試験 花子")


def test_names_staff_give_are_kept_and_a_date_nobody_held_office_is_422(api: Api) -> None:
    given = api.call("register", body=registration(minister_name="記録 三郎", chair_name="記録 四子"))
    assert given.status == 201 and given.body["minister_name"] == "記録 三郎"
    before = api.call("register", body=_without_names(registered_on="2019-12-31"))
    assert before.status == 422 and before.body["field"] == "minister_name", before.body
    title = api.call("register", body=registration(minister_name="厚生労働大臣"))
    assert title.status == 422 and title.body["errors"][0]["field"] == "body.minister_name", title.body


def test_an_approval_may_still_name_them(api: Api) -> None:
    who = pseudonym()
    app_id = submit(api, who, new_registration()).body["application_id"]
    complete(api, who, app_id, ["medical_certificate"], fee=9000)
    approved = api.call(
        "approve_application",
        params=app_params(app_id),
        body={"minister_name": "記録 三郎", "chair_name": "記録 四子"},
        role="approver",
        actor="boss",
    )
    registrant = api.call("get_registrant", approved.body["subject_id"], role="viewer").body
    assert registrant["minister_name"] == "記録 三郎" and registrant["chair_name"] == "記録 四子"
