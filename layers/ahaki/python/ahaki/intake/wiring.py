"""Builds the intake adapters and the retention job's from the environment, once per environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

import boto3
from botocore.config import Config

from ahaki.intake.adapters.application_writes import DynamoApplicationWrites
from ahaki.intake.adapters.applications_table import DynamoApplications
from ahaki.intake.adapters.attachments import S3Attachments
from ahaki.intake.adapters.retention_reports import DynamoRetentionReports
from ahaki.intake.domain.retention import RetentionPolicy
from ahaki.intake.domain.signature import load_trust_anchors
from ahaki.intake.services.ports import IntakePorts
from ahaki.intake.services.retention import RetentionPorts
from ahaki.kernel.adapters.aws import CLIENT_CONFIG
from ahaki.kernel.adapters.transaction import DynamoTransaction
from ahaki.kernel.adapters.vault import KmsVault
from ahaki.kernel.settings import Settings
from ahaki.kernel.specs import ATTACHMENTS_BUCKET, IDEMPOTENCY_TABLE
from ahaki.registry.wiring import build_ports

TRUST_ANCHORS_ENV = "SIGNATURE_TRUST_ANCHORS_PEM"  # the card's signing CA certificates (PEM bundle)
# In AWS: the SSM parameter holding that bundle (two CAs would not fit Lambda's 4 KB environment).
TRUST_ANCHORS_PARAMETER_ENV = "SIGNATURE_TRUST_ANCHORS_PARAMETER"
RETENTION_ENV = "APPLICATION_RETENTION_DAYS"
REMINDER_DAYS_ENV = "APPLICATION_REMINDER_DAYS"
ABANDONED_DAYS_ENV = "ABANDONED_APPLICATION_DAYS"
# The sandbox points presigned URLs at itself; in AWS this is unset (the regional S3 endpoint).
ATTACHMENTS_ENDPOINT_ENV = "ATTACHMENTS_ENDPOINT_URL"


@dataclass(frozen=True)
class IntakeSettings:
    register: Settings
    idempotency_table: str
    bucket: str
    trust_anchors_pem: str
    trust_anchors_parameter: str
    retention_days: int
    attachments_endpoint: str | None

    @classmethod
    def from_env(cls) -> IntakeSettings:
        env = os.environ
        return cls(
            register=Settings.from_env(),
            idempotency_table=env.get(IDEMPOTENCY_TABLE.env_var, ""),
            bucket=env.get(ATTACHMENTS_BUCKET.env_var, ""),
            trust_anchors_pem=env.get(TRUST_ANCHORS_ENV, ""),
            trust_anchors_parameter=env.get(TRUST_ANCHORS_PARAMETER_ENV, ""),
            retention_days=int(env.get(RETENTION_ENV, "90")),
            attachments_endpoint=env.get(ATTACHMENTS_ENDPOINT_ENV) or None,
        )


def build_intake_ports(
    settings: IntakeSettings, dynamodb: Any, kms: Any, s3: Any, presigner: Any = None, ssm: Any = None
) -> IntakePorts:
    @cache
    def anchors() -> list[Any]:
        """Loaded at the first signature check, then kept for the execution environment."""
        pem = settings.trust_anchors_pem
        if not pem and settings.trust_anchors_parameter and ssm is not None:
            pem = ssm.get_parameter(Name=settings.trust_anchors_parameter)["Parameter"]["Value"]
        # The stack stores a placeholder when no CA is configured (SSM refuses an empty value).
        return load_trust_anchors(pem if "-----BEGIN" in pem else "")

    register = settings.register
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
    )


@cache
def _intake_ports(settings: IntakeSettings) -> IntakePorts:
    s3_config = CLIENT_CONFIG.merge(Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    s3 = boto3.client("s3", config=s3_config)
    presigner = boto3.client("s3", config=s3_config, endpoint_url=settings.attachments_endpoint)
    dynamodb = boto3.client("dynamodb", config=CLIENT_CONFIG)
    kms = boto3.client("kms", config=CLIENT_CONFIG)
    ssm = boto3.client("ssm", config=CLIENT_CONFIG) if settings.trust_anchors_parameter else None
    return build_intake_ports(settings, dynamodb, kms, s3, presigner, ssm)


def intake_ports() -> IntakePorts:
    # Keyed by the settings: tests and the sandbox switch environments within one process.
    return _intake_ports(IntakeSettings.from_env())


def policy_from_env() -> RetentionPolicy:
    env = os.environ
    default = RetentionPolicy()
    return RetentionPolicy(
        reminder_days=int(env.get(REMINDER_DAYS_ENV, str(default.reminder_days))),
        abandoned_days=int(env.get(ABANDONED_DAYS_ENV, str(default.abandoned_days))),
    )


@cache
def _reports(table: str) -> DynamoRetentionReports:
    return DynamoRetentionReports(boto3.client("dynamodb", config=CLIENT_CONFIG), table)


def retention_ports() -> RetentionPorts:
    return RetentionPorts(
        intake=intake_ports(),
        reports=_reports(Settings.from_env().applications_table),
        policy=policy_from_env(),
    )
