"""What every function shares, built once per execution environment: the DynamoDB client, and the
audit trail that refusals at the HTTP edge are written to (no context's ports needed for that)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import boto3

from ahaki.kernel.adapters.audit_trail import DynamoAuditTrail
from ahaki.kernel.adapters.aws import CLIENT_CONFIG, utc_now
from ahaki.kernel.components import component
from ahaki.kernel.ports import AuditTrail
from ahaki.kernel.settings import AuditSettings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True)
class EdgeAudit:
    """``AuditPorts`` for the HTTP edge: a refusal is audited before any context is involved."""

    audit: AuditTrail
    clock: Callable[[], datetime]
    audit_shards: int


@component
def dynamodb() -> DynamoDBClient:
    """One DynamoDB client per execution environment: every further client costs milliseconds."""
    return boto3.client("dynamodb", config=CLIENT_CONFIG)


@component
def edge_audit() -> EdgeAudit:
    settings = AuditSettings.from_env()
    return EdgeAudit(DynamoAuditTrail(dynamodb(), settings.audit_table), utc_now, settings.audit_shards)
