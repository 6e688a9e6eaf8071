"""``make staff-user``: an account with its role and tenant, as an administrator creates it."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from infra import staff_pool
from infra.sandbox.cognito import SandboxPool, create_pool
from infra.sandbox.emulated_aws import REGION, fake_credentials
from infra.staff_user import main


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxPool]:
    for name, value in fake_credentials().items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield create_pool("unit")


def _args(pool: SandboxPool, **overrides: str) -> list[str]:
    values = {"username": "yamada.h", "email": "yamada.h@example.jp", "role": "approver", "tenant": "mhlw"}
    values.update(overrides)
    args = ["--user-pool-id", pool.user_pool_id, "--region", REGION]
    for name, value in values.items():
        args += [f"--{name}", value]
    return args


def test_creates_the_account_with_tenant_and_role(pool: SandboxPool) -> None:
    assert main(_args(pool)) == 0
    client = boto3.client("cognito-idp", region_name=REGION)
    user = client.admin_get_user(UserPoolId=pool.user_pool_id, Username="yamada.h")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes[staff_pool.TENANT.claim] == "mhlw"
    assert attributes["email"] == "yamada.h@example.jp"
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"  # a temporary password, e-mailed by Cognito
    groups = client.admin_list_groups_for_user(UserPoolId=pool.user_pool_id, Username="yamada.h")["Groups"]
    assert [g["GroupName"] for g in groups] == ["approver"]


def test_a_malformed_tenant_creates_nothing(pool: SandboxPool, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_args(pool, tenant="Other Org")) == 2
    assert "tenant must match" in capsys.readouterr().err
    users = boto3.client("cognito-idp", region_name=REGION).list_users(UserPoolId=pool.user_pool_id)["Users"]
    assert users == []


def test_an_unknown_role_is_refused(pool: SandboxPool) -> None:
    with pytest.raises(SystemExit) as exited:
        main(_args(pool, role="admin"))
    assert exited.value.code == 2


def test_the_same_username_twice_is_refused(pool: SandboxPool, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_args(pool)) == 0
    assert main(_args(pool, role="viewer")) == 1
    assert "exists already" in capsys.readouterr().err
