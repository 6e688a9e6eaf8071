"""The staff caller from the claims as API Gateway's REST Cognito authorizer passes them."""

from __future__ import annotations

import pytest

from ahaki.http.auth import Principal, principal_of
from ahaki.http.routes import ROUTES, Role
from infra.sandbox.events import api_event, authorizer_claims, claims

ROUTE = next(r for r in ROUTES if r.operation_id == "register")


def _principal(found: dict[str, str] | None) -> Principal | None:
    return principal_of(api_event(ROUTE, claims=found))


def test_every_claim_is_a_string_as_api_gateway_passes_it() -> None:
    found = claims("staff-1", ["approver", "viewer"], "mhlw")
    assert all(isinstance(value, str) for value in found.values())
    assert found["cognito:groups"] == "approver,viewer"
    assert found["email_verified"] == "true"
    assert found["auth_time"].isdigit()


def test_several_groups_comma_separated_are_several_roles() -> None:
    principal = _principal(claims("staff-1", ["approver", "viewer"], "mhlw"))
    assert principal is not None
    assert principal.groups == {Role.APPROVER.value, Role.VIEWER.value}
    assert principal.tenant_id == "mhlw"


@pytest.mark.parametrize("encoded", ["approver,viewer", "[approver viewer]", "[approver, viewer]"])
def test_the_rest_and_http_api_encodings_of_groups_are_read(encoded: str) -> None:
    found = {**claims("staff-1", [], "foundation"), "cognito:groups": encoded}
    principal = _principal(found)
    assert principal is not None and principal.groups == {"approver", "viewer"}


def test_a_user_in_no_group_has_no_groups_claim_and_no_roles() -> None:
    found = claims("staff-1", [], "foundation")
    assert "cognito:groups" not in found  # Cognito leaves the claim out
    principal = _principal(found)
    assert principal is not None and principal.groups == frozenset()


def test_a_token_without_the_tenant_gives_no_tenant() -> None:
    principal = _principal(claims("staff-1", ["registrar"], None))
    assert principal is not None and principal.tenant_id is None


def test_exp_and_iat_are_dates_other_numbers_digits() -> None:
    found = authorizer_claims({"sub": "s", "exp": 1796285700, "iat": 1796284800, "auth_time": 1796284800})
    assert found == {
        "sub": "s",
        "exp": "Thu Dec 03 08:15:00 UTC 2026",
        "iat": "Thu Dec 03 08:00:00 UTC 2026",
        "auth_time": "1796284800",
    }
