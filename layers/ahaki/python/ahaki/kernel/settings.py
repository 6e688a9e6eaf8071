"""Where the adapters find their resources: environment variables the CDK stack sets.

Each context's settings are a typed model whose fields name their environment variable (the
field's alias; the table and key specs in ``kernel.specs`` give those names). A wiring reads its
model once per execution environment (``kernel.components``). The contract suite reads these
declarations to know what a function reads (tests/infra/contract/code_reads.py).
"""

from __future__ import annotations

import os
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

from ahaki.kernel.specs import (
    APPLICATIONS_TABLE,
    AUDIT_TABLE,
    BLIND_INDEX_KEY,
    OUTBOX_TABLE,
    REGISTER_TABLE,
    VAULT_KEY,
    VAULT_TABLE,
)


class EnvironmentSettings(BaseModel):
    """Settings read from the environment: a field without a default is required (the function
    fails at its first request without it, as a KeyError did); each alias is a variable name."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    @classmethod
    def from_env(cls) -> Self:
        env = os.environ
        # Only the declared variables are looked up, so a recorder of reads sees just those.
        names = [field.alias for field in cls.model_fields.values() if field.alias]
        found: dict[str, object] = {name: env[name] for name in names if name in env}
        for name, inner in cls.nested().items():
            found[name] = inner.from_env()
        return cls.model_validate(found)

    @classmethod
    def nested(cls) -> dict[str, type[EnvironmentSettings]]:
        """Fields that are settings of their own (read with their own variables)."""
        return {
            name: field.annotation
            for name, field in cls.model_fields.items()
            if isinstance(field.annotation, type) and issubclass(field.annotation, EnvironmentSettings)
        }


class AuditSettings(EnvironmentSettings):
    """The audit trail: every function that reads personal data, or refuses a caller, writes to it."""

    audit_table: str = Field(alias=AUDIT_TABLE.env_var)
    audit_shards: int = Field(16, alias="AUDIT_SHARDS")


class Settings(AuditSettings):
    """The register's own tables and keys (the registry's and the vault's adapters), and the audit
    trail its transactions write to."""

    register_table: str = Field(alias=REGISTER_TABLE.env_var)
    vault_table: str = Field(alias=VAULT_TABLE.env_var)
    outbox_table: str = Field(alias=OUTBOX_TABLE.env_var)
    vault_key_id: str = Field("", alias=str(VAULT_KEY.env_var))
    blind_index_key_id: str = Field("", alias=str(BLIND_INDEX_KEY.env_var))
    # Online applications: application writes join the register's transactions.
    applications_table: str = Field("", alias=APPLICATIONS_TABLE.env_var)
