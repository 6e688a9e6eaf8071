"""The audit trail cannot be overwritten through the roles: what IAM enforces and what it cannot.

IAM has no condition key for a request's ConditionExpression (DynamoDB's keys are LeadingKeys,
Attributes, Select, ReturnValues, ReturnConsumedCapacity, EnclosingOperation, FullTableScan), so
"deny PutItem unless it is conditional" cannot be written (docs/adr/0138). What stands instead,
each checked here: every role is denied every other write on the audit table, and every audit
record in the code is put through one builder that requires a free position on its chain.
"""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ahaki.http.routes import Function
from ahaki.kernel.adapters.audit_trail import put_audit_item
from ahaki.kernel.audit import AuditRecord, Outcome
from ahaki.kernel.specs import AUDIT_TABLE
from infra.register_stack.access import AUDIT_DENIED
from tests.infra.template_tools import Synthesized, as_list, ref_id

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]
LAYER = Path(__file__).resolve().parents[2] / "layers" / "ahaki" / "python" / "ahaki"


def _statements_of_role(synthesized: Synthesized, role: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in synthesized.of_type("AWS::IAM::ManagedPolicy").values()
        if role in {ref_id(r) for r in policy["Properties"].get("Roles", [])}
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def _on_audit_table(statement: dict[str, Any]) -> bool:
    return any(ref_id(resource) == AUDIT_TABLE.logical_id for resource in as_list(statement["Resource"]))


def test_every_role_may_only_put_and_query_audit_records_and_is_denied_every_other_write(
    synthesized: Synthesized,
) -> None:
    roles = {
        Function(f["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]): ref_id(
            f["Properties"]["Role"]
        )
        for f in synthesized.of_type("AWS::Lambda::Function").values()
    }
    assert set(roles) == set(Function)
    for function, role in roles.items():
        on_audit = [s for s in _statements_of_role(synthesized, role) if _on_audit_table(s)]
        allowed = {a for s in on_audit if s["Effect"] == "Allow" for a in as_list(s["Action"])}
        denied = {a for s in on_audit if s["Effect"] == "Deny" for a in as_list(s["Action"])}
        assert allowed <= {"dynamodb:PutItem", "dynamodb:Query"}, function
        assert denied == set(AUDIT_DENIED), function
        # An Allow of PutItem cannot carry a condition on the request's ConditionExpression:
        # IAM has no such key. The guard is in the code (next test) and in the hash chain.
        assert all("Condition" not in s for s in on_audit if s["Effect"] == "Allow"), function


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == name)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == name)
        )
    ]


def test_every_audit_record_is_put_through_the_one_builder_that_requires_a_free_position() -> None:
    builders = {}
    for path in sorted(LAYER.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            if _calls(function, "audit_item"):
                builders[f"{path.relative_to(LAYER)}:{function.name}"] = function
    assert list(builders) == ["kernel/adapters/audit_trail.py:put_audit_item"]
    record = AuditRecord(
        chain="c",
        seq=1,
        hash="h",
        tenant_id="t",
        actor="a",
        role="registrar",
        action="register",
        outcome=Outcome.ALLOWED,
        request_id="req",
        occurred_at=datetime(2026, 12, 3, tzinfo=UTC),
        prev_hash="p",
    )
    put = put_audit_item("audit", record)
    assert AUDIT_TABLE.partition_key == "chain"
    assert put["ConditionExpression"] == "attribute_not_exists(chain)"
