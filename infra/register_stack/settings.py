"""Deployment settings, read from CDK context only (cdk.json or ``-c key=value``).

Nothing is looked up in an AWS account at synth time and nothing comes from the environment,
so ``cdk synth`` is offline and gives the same template on every machine.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_cdk import Environment
from aws_cdk import aws_logs as logs
from constructs import Node

from ahaki.http.routes import Function

DEFAULT_REGION = "ap-northeast-1"
DEFAULT_RESERVED_CONCURRENCY: Mapping[Function, int] = {
    Function.REGISTRY_API: 50,
    # Reveals are rare, audited, one at a time per registrar: a low cap also limits how fast a
    # stolen session could bulk-reveal My Numbers.
    Function.MY_NUMBER_REVEAL: 5,
    # Issue 5. The fan-out (with page delays) is the broadcast's rate control; the notifier's
    # cap bounds the SES sending rate and the load on the audit chains.
    Function.PORTAL_NOTIFICATIONS: 20,
    Function.STAFF_NOTICES: 2,
    Function.OUTBOX_RELAY: 5,
    Function.NOTIFIER: 10,
    Function.NOTICE_FANOUT: 2,
    Function.RESIDENT_LOOKUP: 5,  # a handful of staff; per-user rate limits sit below this cap
    Function.SYNC_API: 10,
    Function.SYNC_PLANNER: 1,  # one planner at a time
    Function.SYNC_WORKER: 20,  # bounds DynamoDB and KMS load of a monthly run (docs/scaling.md)
    Function.PORTAL_API: 50,  # the portal's submissions; its own IAM throttling sits in front
    Function.APPLICATION_REVIEW: 10,  # fewer than 10 staff
    Function.ATTACHMENT_RECEIVED: 10,
    Function.APPLICATION_RETENTION: 1,  # one run at a time: a retry never races its first attempt
}


@dataclass(frozen=True)
class Settings:
    stage: str = "dev"
    account: str | None = None  # None: account-agnostic template (resolved at deploy time)
    region: str = DEFAULT_REGION
    log_retention_name: str = "THIRTEEN_MONTHS"  # the annual security review sees a whole year
    api_throttle_rate: int = 50  # requests per second, whole stage
    api_throttle_burst: int = 100
    reserved_concurrency: Mapping[Function, int] = field(default_factory=lambda: dict(DEFAULT_RESERVED_CONCURRENCY))
    manage_api_gateway_account: bool = True  # the account-wide API Gateway CloudWatch role
    staff_callback_urls: tuple[str, ...] = ()  # OAuth code flow (hosted UI) only when set
    email_domain: str = "register.ahaki.example.jp"  # the SES identity notifications are sent from
    # Issue 4: when the scheduled verification starts (EventBridge Scheduler, Asia/Tokyo).
    sync_schedule: str = "cron(0 2 1 * ? *)"  # 02:00 JST on the 1st of every month
    sync_chunk_size: int = 5000
    # Issue 3: the portal integration's AWS account (None: this account), the signing CAs of the
    # My Number card (PEM bundle) and how long decided applications keep personal data.
    portal_account: str | None = None
    signature_trust_anchors_pem: str = ""
    application_retention_days: int = 90

    @property
    def stack_id(self) -> str:
        return f"AhakiRegister-{self.stage}"

    @property
    def log_retention(self) -> logs.RetentionDays:
        allowed = [r.name for r in logs.RetentionDays if r is not logs.RetentionDays.INFINITE]
        if self.log_retention_name not in allowed:
            raise ValueError(f"ahaki:logRetention must be one of {allowed}")
        return logs.RetentionDays[self.log_retention_name]

    @property
    def env(self) -> Environment:
        return Environment(account=self.account, region=self.region)

    @classmethod
    def from_context(cls, node: Node) -> Settings:
        def ctx(key: str) -> Any:
            return node.try_get_context(f"ahaki:{key}")

        default = cls()
        concurrency = dict(default.reserved_concurrency)
        for name, value in _as_mapping(ctx("reservedConcurrency")).items():
            concurrency[Function(name)] = int(value)
        return cls(
            stage=str(ctx("stage") or default.stage),
            account=str(ctx("account")) if ctx("account") else None,
            region=str(ctx("region") or default.region),
            log_retention_name=str(ctx("logRetention") or default.log_retention_name),
            api_throttle_rate=int(ctx("apiThrottleRate") or default.api_throttle_rate),
            api_throttle_burst=int(ctx("apiThrottleBurst") or default.api_throttle_burst),
            reserved_concurrency=concurrency,
            manage_api_gateway_account=_as_bool(ctx("manageApiGatewayAccount"), default=True),
            staff_callback_urls=tuple(_as_list(ctx("staffCallbackUrls"))),
            email_domain=str(ctx("emailDomain") or default.email_domain),
            sync_schedule=str(ctx("syncSchedule") or default.sync_schedule),
            sync_chunk_size=int(ctx("syncChunkSize") or default.sync_chunk_size),
            portal_account=str(ctx("portalAccount")) if ctx("portalAccount") else None,
            signature_trust_anchors_pem=str(ctx("signatureTrustAnchorsPem") or ""),
            application_retention_days=int(ctx("applicationRetentionDays") or default.application_retention_days),
        )


def _as_mapping(value: Any) -> Mapping[str, Any]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):  # -c key='{"registry_api": 10}' arrives as a string
        value = json.loads(value)
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a JSON object, got {value!r}")
    return value


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = json.loads(value) if value.startswith("[") else value.split(",")
    return [str(v).strip() for v in value if str(v).strip()]


def _as_bool(value: Any, *, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)
