"""Builds the real adapters from the environment, once per Lambda execution environment."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
from pydantic import Field

from ahaki.kernel.adapters.audit_trail import DynamoAuditTrail
from ahaki.kernel.adapters.aws import CLIENT_CONFIG, lazy, new_id, utc_now
from ahaki.kernel.adapters.vault import KmsVault
from ahaki.kernel.components import component
from ahaki.kernel.settings import EnvironmentSettings, Settings
from ahaki.kernel.wiring import dynamodb
from ahaki.registry.adapters.register_table import DynamoRegisterReader
from ahaki.registry.adapters.sequence import DynamoSequence
from ahaki.registry.adapters.unit_of_work import DynamoUnitOfWork
from ahaki.registry.domain.office_holders import OfficeHolders
from ahaki.registry.services.ports import Ports

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_kms import KMSClient

OFFICE_HOLDERS_ENV = "OFFICE_HOLDERS"


def build_ports(settings: Settings, dynamodb: DynamoDBClient, kms: KMSClient) -> Ports:
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


class OfficeHolderSettings(EnvironmentSettings):
    """OFFICE_HOLDERS: JSON, tenant -> holders; the stack sets it from the CDK context
    ``ahaki:officeHolders`` (infra/office_holders.py)."""

    table: str = Field("", alias=OFFICE_HOLDERS_ENV)


@component
def office_holder_table() -> dict[str, Any]:
    table: dict[str, Any] = json.loads(OfficeHolderSettings.from_env().table or "{}")
    return table


def office_holders_from_env(tenant_id: str) -> OfficeHolders:
    """The tenant's office holders, from the table read once per execution environment."""
    return OfficeHolders.model_validate({"holders": office_holder_table().get(tenant_id, [])})


def clients() -> tuple[DynamoDBClient, KMSClient]:
    return dynamodb(), lazy(lambda: boto3.client("kms", config=CLIENT_CONFIG))


@component
def settings() -> Settings:
    return Settings.from_env()


@component
def ports() -> Ports:
    return build_ports(settings(), *clients())
