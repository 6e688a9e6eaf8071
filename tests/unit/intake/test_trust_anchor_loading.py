"""The portal's signature trust anchors come from SSM in AWS, read once per execution environment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pytest

from ahaki.intake.wiring import IntakeSettings, build_intake_ports
from ahaki.kernel.settings import Settings
from tests.intake_data import SigningCa

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_ssm import SSMClient

CA = SigningCa("Test JPKI Root for SSM")
REGISTER = Settings(
    register_table="Register",
    vault_table="Vault",
    audit_table="Audit",
    outbox_table="Outbox",
    vault_key_id="vault-key",
    blind_index_key_id="mac-key",
    audit_shards=16,
    applications_table="Applications",
)
SETTINGS = IntakeSettings(
    registry=REGISTER,
    idempotency_table="Idempotency",
    bucket="attachments",
    trust_anchors_pem="",
    trust_anchors_parameter="AnchorsParameter",
    retention_days=90,
    attachments_endpoint=None,
)


class CountingSsm:
    def __init__(self, value: str) -> None:
        self.value = value
        self.calls: list[str] = []

    def get_parameter(self, Name: str) -> dict[str, Any]:
        self.calls.append(Name)
        return {"Parameter": {"Name": Name, "Value": self.value}}


def _anchors(settings: IntakeSettings, ssm: CountingSsm | None) -> Any:
    # Building the ports calls no client; the counting SSM fake has get_parameter only.
    return build_intake_ports(
        settings,
        dynamodb=cast("DynamoDBClient", object()),
        kms=cast("KMSClient", object()),
        s3=cast("S3Client", object()),
        ssm=cast("SSMClient | None", ssm),
    ).trust_anchors


def test_anchors_are_read_from_the_parameter_once() -> None:
    ssm = CountingSsm(CA.pem)
    anchors = _anchors(SETTINGS, ssm)
    assert ssm.calls == []  # nothing at cold start: only a signature check needs them
    assert anchors() == [CA.cert]
    assert anchors() == [CA.cert]
    assert ssm.calls == ["AnchorsParameter"]


def test_the_stack_s_placeholder_means_no_anchors() -> None:
    assert _anchors(SETTINGS, CountingSsm("none configured"))() == []


@pytest.mark.parametrize("parameter", ["", "AnchorsParameter"])
def test_a_bundle_in_the_environment_wins(parameter: str) -> None:
    ssm = CountingSsm("none configured")
    settings = SETTINGS.model_copy(update={"trust_anchors_pem": CA.pem, "trust_anchors_parameter": parameter})
    assert _anchors(settings, ssm)() == [CA.cert]
    assert ssm.calls == []
