"""Tables and keys in the template are exactly the specs of ahaki.kernel.specs."""

from __future__ import annotations

from typing import Any

import pytest

from ahaki.kernel.specs import KEYS, TABLES, TableSpec, create_table_kwargs
from tests.infra.conftest import PRODUCTION
from tests.infra.template_tools import Synthesized, ref_id

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _table(synthesized: Synthesized, spec: TableSpec) -> dict[str, Any]:
    resource = synthesized.resources[spec.logical_id]
    assert resource["Type"] == "AWS::DynamoDB::Table"
    return resource


def _sorted(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: item[key])


def test_the_template_has_exactly_the_spec_tables(synthesized: Synthesized) -> None:
    assert set(synthesized.of_type("AWS::DynamoDB::Table")) == {spec.logical_id for spec in TABLES}


@pytest.mark.parametrize("spec", TABLES, ids=lambda s: s.logical_id)
def test_key_schema_and_indexes_equal_the_spec(synthesized: Synthesized, spec: TableSpec) -> None:
    props = _table(synthesized, spec)["Properties"]
    expected = create_table_kwargs(spec, "ignored")
    assert props["KeySchema"] == expected["KeySchema"]
    assert _sorted(props["AttributeDefinitions"], "AttributeName") == _sorted(
        expected["AttributeDefinitions"],
        "AttributeName",
    )
    actual_indexes = [
        {"IndexName": i["IndexName"], "KeySchema": i["KeySchema"], "Projection": i["Projection"]}
        for i in props.get("GlobalSecondaryIndexes", [])
    ]
    assert _sorted(actual_indexes, "IndexName") == _sorted(
        expected.get("GlobalSecondaryIndexes", []),
        "IndexName",
    )
    assert "LocalSecondaryIndexes" not in props
    if spec.stream:
        assert props["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    else:
        assert "StreamSpecification" not in props
    if spec.ttl_attribute:
        assert props["TimeToLiveSpecification"] == {"AttributeName": spec.ttl_attribute, "Enabled": True}
    else:
        assert "TimeToLiveSpecification" not in props


@pytest.mark.parametrize("spec", TABLES, ids=lambda s: s.logical_id)
def test_table_is_protected_and_encrypted_with_its_own_key(
    other_stages: dict[str, Synthesized], spec: TableSpec
) -> None:
    table = _table(other_stages[PRODUCTION], spec)  # a dev stage removes its tables (test_deploy_first)
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["SSESpecification"]["SSEType"] == "KMS"
    assert ref_id(props["SSESpecification"]["KMSMasterKeyId"]) == spec.key_alias
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"


def test_every_spec_key_exists_under_its_logical_id(
    synthesized: Synthesized, other_stages: dict[str, Synthesized]
) -> None:
    keys = synthesized.of_type("AWS::KMS::Key")
    for spec in KEYS:
        assert spec.logical_id in keys, spec.logical_id
        assert other_stages[PRODUCTION].resources[spec.logical_id]["DeletionPolicy"] == "Retain"


def test_symmetric_keys_rotate_and_the_hmac_key_is_hmac(synthesized: Synthesized) -> None:
    for logical_id, key in synthesized.of_type("AWS::KMS::Key").items():
        props = key["Properties"]
        spec = next((s for s in KEYS if s.logical_id == logical_id), None)
        if spec is not None and spec.hmac:
            assert props["KeySpec"] == "HMAC_256"
            assert props["KeyUsage"] == "GENERATE_VERIFY_MAC"
        else:
            assert props.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT", logical_id
            assert props["EnableKeyRotation"] is True, logical_id


def test_key_policies_grant_use_to_no_one_but_the_account(synthesized: Synthesized) -> None:
    """Use of a data key is granted by identity policies only (tested in test_iam)."""
    for logical_id in (spec.logical_id for spec in KEYS):
        policy = synthesized.resources[logical_id]["Properties"]["KeyPolicy"]
        for statement in policy["Statement"]:
            if statement["Effect"] == "Deny":  # a Deny grants nothing (the vault key's, test_deploy_hardening)
                continue
            principal = statement["Principal"]
            assert set(principal) == {"AWS"}, (logical_id, principal)
            assert ":root" in str(principal["AWS"]), (logical_id, principal)
