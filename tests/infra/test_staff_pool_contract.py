"""What the sandbox sets and the handlers read is declared on the synthesized user pool.

moto's Cognito accepts custom attributes a pool never declared and puts them in its ID tokens;
AWS refuses them. So the sandbox's tokens prove nothing about AWS unless every attribute they
carry and every claim a handler reads is declared on the pool the stack deploys, and readable by
its app client (an attribute the client may not read is left out of the ID token).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

from ahaki.http.auth import GROUPS_CLAIM
from ahaki.http.routes import Role
from infra import staff_pool
from infra.sandbox.cognito import add_user, create_pool
from infra.sandbox.emulated_aws import emulated_aws
from infra.staff_user import staff_attributes
from tests.infra.template_tools import Synthesized

ROOT = Path(__file__).resolve().parents[2]
HANDLER_CODE = [ROOT / "layers" / "ahaki" / "python" / "ahaki", ROOT / "functions"]
_CUSTOM_LITERAL = re.compile(r"""["'](custom:[A-Za-z0-9_]+)["']""")
# Cognito's standard attributes (OpenID Connect's): a pool has them without a custom declaration.
STANDARD = set(
    [
        "address",
        "birthdate",
        "email",
        "email_verified",
        "family_name",
        "gender",
        "given_name",
        "locale",
        "middle_name",
        "name",
        "nickname",
        "phone_number",
        "phone_number_verified",
        "picture",
        "preferred_username",
        "profile",
        "sub",
        "updated_at",
        "website",
        "zoneinfo",
    ]
)


def _pool(synthesized: Synthesized) -> dict[str, Any]:
    [pool] = synthesized.of_type("AWS::Cognito::UserPool").values()
    return dict(pool["Properties"])


def _client(synthesized: Synthesized) -> dict[str, Any]:
    [client] = synthesized.of_type("AWS::Cognito::UserPoolClient").values()
    return dict(client["Properties"])


def declared_custom(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    schema = _pool(synthesized).get("Schema", [])
    return {"custom:" + a["Name"]: a for a in schema if a["Name"] not in STANDARD}


def _client_attributes(synthesized: Synthesized, kind: str) -> set[str] | None:
    """The client's ReadAttributes or WriteAttributes; None when unset (then: every attribute)."""
    names = _client(synthesized).get(kind)
    return None if names is None else set(names)


def claims_the_handlers_read() -> set[str]:
    """Every custom claim named in the handlers' code (layer and functions)."""
    found: set[str] = set()
    for folder in HANDLER_CODE:
        for path in folder.rglob("*.py"):
            found.update(_CUSTOM_LITERAL.findall(path.read_text(encoding="utf-8")))
    return found


def test_the_handlers_read_the_tenant_claim() -> None:
    # Guards the scan below: if it found nothing, the next test would pass on nothing.
    assert staff_pool.TENANT.claim in claims_the_handlers_read()


def test_every_claim_a_handler_reads_is_declared_and_readable(synthesized: Synthesized) -> None:
    declared = declared_custom(synthesized)
    readable = _client_attributes(synthesized, "ReadAttributes")
    for claim in sorted(claims_the_handlers_read()):
        assert claim in declared, f"{claim} is read by a handler but not declared on the user pool"
        assert readable is None or claim in readable, f"{claim} is not readable by the app client"


def test_every_attribute_the_sandbox_sets_is_declared(synthesized: Synthesized) -> None:
    declared = declared_custom(synthesized)
    for attribute in staff_attributes("someone@example.jp", "foundation"):
        name = attribute["Name"]
        assert name in declared or name in STANDARD, f"{name} is set on staff accounts but not declared"


def test_the_sandbox_s_id_tokens_carry_only_declared_claims(synthesized: Synthesized) -> None:
    """A real sign-in against the sandbox's pool: each custom claim of the token is on the stack's pool."""
    declared = declared_custom(synthesized)
    with emulated_aws(prefix="contract"):
        pool = create_pool("contract")
        token = add_user(pool, "contract-registrar", Role.REGISTRAR, "foundation")
    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    custom = {name for name in payload if name.startswith("custom:")}
    assert staff_pool.TENANT.claim in custom
    assert custom <= set(declared)
    assert payload[GROUPS_CLAIM] == [Role.REGISTRAR.value]


def test_the_tenant_is_set_by_administrators_only(synthesized: Synthesized) -> None:
    tenant = declared_custom(synthesized)[staff_pool.TENANT.claim]
    assert tenant["AttributeDataType"] == "String"
    assert tenant["Mutable"] is False  # set once, at account creation (AdminCreateUser)
    constraints = tenant["StringAttributeConstraints"]
    assert (int(constraints["MinLength"]), int(constraints["MaxLength"])) == (1, 32)
    writable = _client_attributes(synthesized, "WriteAttributes")
    assert writable is not None, "without WriteAttributes every attribute is writable by the user"
    assert staff_pool.TENANT.claim not in writable
    assert _pool(synthesized)["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_the_client_allows_the_sign_in_the_sandbox_uses(synthesized: Synthesized) -> None:
    flows = set(_client(synthesized)["ExplicitAuthFlows"])
    assert "ALLOW_" + staff_pool.SANDBOX_AUTH_FLOW in flows
    assert flows == set(staff_pool.AUTH_FLOWS)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_is_a_group_of_the_pool(synthesized: Synthesized, role: Role) -> None:
    groups = {g["Properties"]["GroupName"] for g in synthesized.of_type("AWS::Cognito::UserPoolGroup").values()}
    assert role.value in groups
