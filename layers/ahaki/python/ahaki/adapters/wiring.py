"""Builds the real adapters from the environment, once per Lambda execution environment."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from ahaki.adapters.audit_trail import DynamoAuditTrail
from ahaki.adapters.register_table import DynamoRegisterReader
from ahaki.adapters.sequence import DynamoSequence
from ahaki.adapters.settings import Settings
from ahaki.adapters.unit_of_work import DynamoUnitOfWork
from ahaki.adapters.vault import KmsVault
from ahaki.domain.office_holders import OfficeHolders
from ahaki.services.ports import Ports

OFFICE_HOLDERS_ENV = "OFFICE_HOLDERS"
# Fail fast inside the API Gateway timeout; standard retries back off on throttling.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=2, read_timeout=5)


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def build_ports(settings: Settings, dynamodb: Any, kms: Any) -> Ports:
    """The real adapters over the given clients (benchmarks pass clients they instrument)."""
    return Ports(
        reader=DynamoRegisterReader(dynamodb, settings.register_table),
        sequence=DynamoSequence(dynamodb, settings.register_table),
        vault=KmsVault(kms, dynamodb, settings.vault_table, settings.vault_key_id, settings.blind_index_key_id),
        audit=DynamoAuditTrail(dynamodb, settings.audit_table),
        unit_of_work=lambda: DynamoUnitOfWork(dynamodb, settings),
        clock=utc_now,
        new_id=new_id,
        audit_shards=settings.audit_shards,
        office_holders=office_holders_from_env,
    )


def office_holders_from_env(tenant_id: str) -> OfficeHolders:
    """The tenant's office holders from OFFICE_HOLDERS (JSON: tenant -> holders; the stack sets it
    from the CDK context ``ahaki:officeHolders``). Read per call: a few hundred bytes."""
    table = json.loads(os.environ.get(OFFICE_HOLDERS_ENV) or "{}")
    return OfficeHolders.model_validate({"holders": table.get(tenant_id, [])})


class LazyClient:
    """A boto3 client made on first use: most requests never touch KMS, and making a client
    costs tens of milliseconds of a cold start."""

    def __init__(self, service: str) -> None:
        self._service = service
        self._client: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._client is None:
            self._client = boto3.client(self._service, config=CLIENT_CONFIG)  # type: ignore[call-overload]
        return getattr(self._client, name)


def clients() -> tuple[Any, Any]:
    return boto3.client("dynamodb", config=CLIENT_CONFIG), LazyClient("kms")


@cache
def ports() -> Ports:
    return build_ports(Settings.from_env(), *clients())
