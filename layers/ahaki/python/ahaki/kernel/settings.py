"""Where the adapters find their resources: environment variables the CDK stack sets."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ahaki.kernel.specs import (
    APPLICATIONS_TABLE,
    AUDIT_TABLE,
    BLIND_INDEX_KEY,
    OUTBOX_TABLE,
    REGISTER_TABLE,
    VAULT_KEY,
    VAULT_TABLE,
)


@dataclass(frozen=True)
class Settings:
    register_table: str
    vault_table: str
    audit_table: str
    outbox_table: str
    vault_key_id: str
    blind_index_key_id: str
    audit_shards: int
    applications_table: str = ""  # online applications: application writes join the register's transactions

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            register_table=env[REGISTER_TABLE.env_var],
            vault_table=env[VAULT_TABLE.env_var],
            audit_table=env[AUDIT_TABLE.env_var],
            outbox_table=env[OUTBOX_TABLE.env_var],
            vault_key_id=env.get(str(VAULT_KEY.env_var), ""),
            blind_index_key_id=env.get(str(BLIND_INDEX_KEY.env_var), ""),
            audit_shards=int(env.get("AUDIT_SHARDS", "16")),
            applications_table=env.get(APPLICATIONS_TABLE.env_var, ""),
        )
