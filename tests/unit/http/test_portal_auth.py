"""The portal integration is recognised by its IAM role ARN; it acts for one portal pseudonym."""

from __future__ import annotations

import pytest

from ahaki.http.auth import portal_principal_of
from infra.sandbox.events import iam_identity
from tests.environment import Environment

PATTERN = "arn:aws:sts::111122223333:assumed-role/ahaki-portal-integration/*"
PORTAL = "arn:aws:sts::111122223333:assumed-role/ahaki-portal-integration/session-1"


def _event(arn: str | None, pseudonym: str | None) -> dict[str, object]:
    headers = {"X-Portal-Pseudonym-Id": pseudonym} if pseudonym else {}
    # requestContext.identity as API Gateway fills it for a SigV4-signed request (or not signed).
    identity = iam_identity(arn, "ASIAEXAMPLEPORTAL01") if arn else {"userArn": None, "sourceIp": "192.0.2.1"}
    return {"headers": headers, "requestContext": {"identity": identity}}


@pytest.fixture(autouse=True)
def _configured(environment: Environment) -> None:
    environment.set("PORTAL_CALLER_ARNS", PATTERN)
    environment.set("PORTAL_TENANT_ID", "foundation")


def test_the_portal_role_acting_for_a_pseudonym() -> None:
    found = portal_principal_of(_event(PORTAL, "pp-0123456789"))
    assert found is not None
    assert (found.portal_pseudonym_id, found.tenant_id) == ("pp-0123456789", "foundation")


@pytest.mark.parametrize(
    "arn",
    [
        None,
        "arn:aws:sts::111122223333:assumed-role/some-other-role/session-1",
        "arn:aws:sts::999999999999:assumed-role/ahaki-portal-integration/session-1",
        "arn:aws:iam::111122223333:user/ahaki-portal-integration",
    ],
)
def test_anyone_else_is_not_the_portal(arn: str | None) -> None:
    assert portal_principal_of(_event(arn, "pp-0123456789")) is None


@pytest.mark.parametrize("pseudonym", [None, "short", "has spaces in it", "x" * 200])
def test_a_missing_or_malformed_pseudonym_is_flagged(pseudonym: str | None) -> None:
    found = portal_principal_of(_event(PORTAL, pseudonym))
    assert found is not None and found.portal_pseudonym_id is None


def test_nothing_configured_means_no_portal(environment: Environment) -> None:
    environment.delete("PORTAL_CALLER_ARNS")
    assert portal_principal_of(_event(PORTAL, "pp-0123456789")) is None
