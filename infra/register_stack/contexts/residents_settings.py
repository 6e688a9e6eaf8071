"""The residents context's stage settings, read from the CDK context (cdk.json's ``ahaki:*`` keys,
overridden per stage in ``ahaki:stages.<stage>``) through the platform's one reader."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from infra.register_stack.settings import StageContext, as_str


@dataclass(frozen=True)
class ResidentsStageSettings:
    # When the scheduled verification starts (EventBridge Scheduler, Asia/Tokyo).
    sync_schedule: str = "cron(0 2 1 * ? *)"  # 02:00 JST on the 1st of every month
    sync_chunk_size: int = 5000
    jlis_principal_arn: str | None = None  # J-LIS's transfer principal (reads outbound/, writes inbound/)

    @classmethod
    def from_context(cls, ctx: StageContext) -> Self:
        default = cls()
        return cls(
            sync_schedule=str(ctx("syncSchedule") or default.sync_schedule),
            sync_chunk_size=int(ctx("syncChunkSize") or default.sync_chunk_size),
            jlis_principal_arn=as_str(ctx("jlisPrincipalArn")),
        )
