"""Builds the intake adapters and the retention job's from the environment, once per environment."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, cast

import boto3
from botocore.config import Config
from pydantic import Field, field_validator

from ahaki.intake.adapters.application_writes import DynamoApplicationWrites
from ahaki.intake.adapters.applications_table import DynamoApplications
from ahaki.intake.adapters.attachments import S3Attachments
from ahaki.intake.adapters.retention_reports import DynamoRetentionReports
from ahaki.intake.domain.retention import RetentionPolicy
from ahaki.intake.services.ports import IntakePorts
from ahaki.intake.services.retention import RetentionPorts
from ahaki.kernel.adapters.aws import CLIENT_CONFIG, lazy
from ahaki.kernel.adapters.transaction import DynamoTransaction
from ahaki.kernel.adapters.vault import KmsVault
from ahaki.kernel.components import component
from ahaki.kernel.settings import EnvironmentSettings, Settings
from ahaki.kernel.specs import ATTACHMENTS_BUCKET, IDEMPOTENCY_TABLE
from ahaki.kernel.wiring import dynamodb
from ahaki.registry.wiring import build_ports

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_ssm import SSMClient

TRUST_ANCHORS_ENV = "SIGNATURE_TRUST_ANCHORS_PEM"  # the card's signing CA certificates (PEM bundle)
# In AWS: the SSM parameter holding that bundle (two CAs would not fit Lambda's 4 KB environment).
TRUST_ANCHORS_PARAMETER_ENV = "SIGNATURE_TRUST_ANCHORS_PARAMETER"
RETENTION_ENV = "APPLICATION_RETENTION_DAYS"
REMINDER_DAYS_ENV = "APPLICATION_REMINDER_DAYS"
ABANDONED_DAYS_ENV = "ABANDONED_APPLICATION_DAYS"
# "true" where the stage's GuardDuty plan scans the attachments (infra: contexts/intake_malware.py).
MALWARE_SCAN_ENV = "ATTACHMENT_MALWARE_SCAN"
# The sandbox points presigned URLs at itself; in AWS this is unset (the regional S3 endpoint).
ATTACHMENTS_ENDPOINT_ENV = "ATTACHMENTS_ENDPOINT_URL"


class IntakeSettings(EnvironmentSettings):
    registry: Settings  # read with it: application writes join the register's transactions
    idempotency_table: str = Field("", alias=IDEMPOTENCY_TABLE.env_var)
    bucket: str = Field("", alias=ATTACHMENTS_BUCKET.env_var)
    trust_anchors_pem: str = Field("", alias=TRUST_ANCHORS_ENV)
    trust_anchors_parameter: str = Field("", alias=TRUST_ANCHORS_PARAMETER_ENV)
    retention_days: int = Field(90, alias=RETENTION_ENV)
    attachments_endpoint: str | None = Field(None, alias=ATTACHMENTS_ENDPOINT_ENV)
    malware_scan: bool = Field(False, alias=MALWARE_SCAN_ENV)

    @field_validator("attachments_endpoint")
    @classmethod
    def _unset_if_empty(cls, value: str | None) -> str | None:
        return value or None


class RetentionSettings(EnvironmentSettings):
    """The retention job's periods (infra/register_stack/contexts/intake_retention.py offers them)."""

    reminder_days: int = Field(RetentionPolicy().reminder_days, alias=REMINDER_DAYS_ENV)
    abandoned_days: int = Field(RetentionPolicy().abandoned_days, alias=ABANDONED_DAYS_ENV)


def build_intake_ports(
    settings: IntakeSettings,
    dynamodb: DynamoDBClient,
    kms: KMSClient,
    s3: S3Client,
    presigner: S3Client | None = None,
    ssm: SSMClient | None = None,
) -> IntakePorts:
    @cache
    def anchors() -> list[Any]:
        """Loaded at the first signature check, then kept for the execution environment."""
        pem = settings.trust_anchors_pem
        if not pem and settings.trust_anchors_parameter and ssm is not None:
            pem = ssm.get_parameter(Name=settings.trust_anchors_parameter)["Parameter"]["Value"]
        from ahaki.intake.domain.signature import load_trust_anchors  # here: it loads cryptography

        # The stack stores a placeholder when no CA is configured (SSM refuses an empty value).
        return load_trust_anchors(pem if "-----BEGIN" in pem else "")

    register = settings.registry
    return IntakePorts(
        register=build_ports(register, dynamodb, kms),
        applications=DynamoApplications(dynamodb, register.applications_table),
        vault=KmsVault(kms, dynamodb, register.vault_table, register.vault_key_id, register.blind_index_key_id),
        attachments=S3Attachments(s3, settings.bucket, presigner),
        trust_anchors=anchors,
        application_writes=lambda transaction: DynamoApplicationWrites(
            cast(DynamoTransaction, transaction), register.applications_table, register.vault_table
        ),
        retention_days=settings.retention_days,
        malware_scan=settings.malware_scan,
    )


@component
def intake_settings() -> IntakeSettings:
    return IntakeSettings.from_env()


@component
def intake_ports() -> IntakePorts:
    settings = intake_settings()
    s3_config = CLIENT_CONFIG.merge(Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    s3 = lazy(lambda: boto3.client("s3", config=s3_config))
    presigner = lazy(lambda: boto3.client("s3", config=s3_config, endpoint_url=settings.attachments_endpoint))
    kms = lazy(lambda: boto3.client("kms", config=CLIENT_CONFIG))
    ssm = lazy(lambda: boto3.client("ssm", config=CLIENT_CONFIG)) if settings.trust_anchors_parameter else None
    return build_intake_ports(settings, dynamodb(), kms, s3, presigner, ssm)


def policy_from_env() -> RetentionPolicy:
    periods = RetentionSettings.from_env()
    return RetentionPolicy(reminder_days=periods.reminder_days, abandoned_days=periods.abandoned_days)


@component
def retention_ports() -> RetentionPorts:
    return RetentionPorts(
        intake=intake_ports(),
        reports=DynamoRetentionReports(dynamodb(), intake_settings().registry.applications_table),
        policy=policy_from_env(),
    )
