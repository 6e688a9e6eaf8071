"""Deployment settings, read from CDK context only (cdk.json or ``-c key=value``).

Nothing is looked up in an AWS account at synth time and nothing comes from the environment,
so ``cdk synth`` is offline and gives the same template on every machine. The stage comes from
``-c stage=…`` (or ``ahaki:stage``); ``ahaki:stages.<stage>`` in cdk.json overrides the
top-level ``ahaki:*`` values for that stage, so one file describes every stage.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_cdk import Environment, RemovalPolicy
from aws_cdk import aws_logs as logs
from constructs import Node

from ahaki.http.routes import Function
from infra.register_stack.paths import REPO_ROOT

DEFAULT_REGION = "ap-northeast-1"
# What a production account reserves (cdk.json's ``ahaki:stages.prod``); the sum (200) needs a
# Lambda concurrency quota of at least 300, since AWS keeps 100 unreserved. Dev stages reserve
# nothing, so they fit an account with the default low quota (README, "Deploying").
PRODUCTION_RESERVED_CONCURRENCY: Mapping[Function, int] = {
    Function.REGISTRY_API: 50,
    # Reveals are rare, audited, one at a time per registrar: a low cap also limits how fast a
    # stolen session could bulk-reveal My Numbers.
    Function.MY_NUMBER_REVEAL: 5,
    # Notifications. The fan-out (with page delays) is the broadcast's rate control; the notifier's
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
    reserved_concurrency: Mapping[Function, int] = field(default_factory=dict)  # none: fits any account
    # The account-wide API Gateway CloudWatch role: set by exactly one stage per account.
    manage_api_gateway_account: bool = False
    retain_data: bool | None = None  # None: only production keeps its data when the stack goes
    alert_email: str | None = None  # subscribed to the staff alerts topic
    jlis_principal_arn: str | None = None  # J-LIS's transfer principal (reads outbound/, writes inbound/)
    portal_principal_arn: str | None = None  # who may assume the portal integration role
    staff_origins: tuple[str, ...] = ()  # browser origins of the staff web app (CORS)
    upload_origins: tuple[str, ...] = ()  # browser origins of presigned attachment uploads (bucket CORS)
    ses_sandbox_recipients: tuple[str, ...] = ()  # dev: verified recipient addresses (SES sandbox)
    # Staff invitations through the stage's SES domain; needs the domain verified first (README).
    cognito_mail_through_ses: bool = False
    staff_callback_urls: tuple[str, ...] = ()  # OAuth code flow (hosted UI) only when set
    email_domain: str = ""  # the SES identity notifications are sent from; "": <stage>.<base>
    email_base_domain: str = "register.ahaki.example.jp"
    # Resident-register sync: when the scheduled verification starts (EventBridge Scheduler, Asia/Tokyo).
    sync_schedule: str = "cron(0 2 1 * ? *)"  # 02:00 JST on the 1st of every month
    sync_chunk_size: int = 5000
    # Online applications: the portal integration's AWS account (None: this account), the signing CAs of the
    # My Number card (PEM bundle) and how long decided applications keep personal data.
    portal_account: str | None = None
    signature_trust_anchors_pem: str = ""
    application_retention_days: int = 90

    @property
    def retains_data(self) -> bool:
        return self.stage == "prod" if self.retain_data is None else self.retain_data

    @property
    def removal_policy(self) -> RemovalPolicy:
        """Production retains stateful resources; dev stages destroy them (a rolled-back first
        deploy or a deleted dev stage leaves nothing behind that blocks the next create)."""
        return RemovalPolicy.RETAIN if self.retains_data else RemovalPolicy.DESTROY

    @property
    def sender_domain(self) -> str:
        return self.email_domain or f"{self.stage}.{self.email_base_domain}"

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
    def from_context(cls, node: Node, stage: str | None = None) -> Settings:
        """The settings of ``stage`` (default: the context's stage)."""
        stage = stage or str(node.try_get_context("stage") or node.try_get_context("ahaki:stage") or cls.stage)
        per_stage = _as_mapping(_as_mapping(node.try_get_context("ahaki:stages")).get(stage))

        def ctx(key: str) -> Any:
            return per_stage[key] if key in per_stage else node.try_get_context(f"ahaki:{key}")

        default = cls()
        raw_concurrency = ctx("reservedConcurrency")
        concurrency = (
            dict(PRODUCTION_RESERVED_CONCURRENCY)
            if raw_concurrency == "production"
            else {Function(name): int(value) for name, value in _as_mapping(raw_concurrency).items()}
        )
        return cls(
            stage=stage,
            account=str(ctx("account")) if ctx("account") else None,
            region=str(ctx("region") or default.region),
            log_retention_name=str(ctx("logRetention") or default.log_retention_name),
            api_throttle_rate=int(ctx("apiThrottleRate") or default.api_throttle_rate),
            api_throttle_burst=int(ctx("apiThrottleBurst") or default.api_throttle_burst),
            reserved_concurrency=concurrency,
            manage_api_gateway_account=_as_bool(ctx("manageApiGatewayAccount"), default=False),
            retain_data=_as_bool(ctx("retainData"), default=False) if ctx("retainData") is not None else None,
            alert_email=_as_str(ctx("alertEmail")),
            jlis_principal_arn=_as_str(ctx("jlisPrincipalArn")),
            portal_principal_arn=_as_str(ctx("portalPrincipalArn")),
            staff_origins=tuple(_as_list(ctx("staffOrigins"))),
            upload_origins=tuple(_as_list(ctx("uploadOrigins"))),
            ses_sandbox_recipients=tuple(_as_list(ctx("sesSandboxRecipients"))),
            cognito_mail_through_ses=_as_bool(ctx("cognitoMailThroughSes"), default=False),
            staff_callback_urls=tuple(_as_list(ctx("staffCallbackUrls"))),
            email_domain=str(ctx("emailDomain") or ""),
            email_base_domain=str(ctx("emailBaseDomain") or default.email_base_domain),
            sync_schedule=str(ctx("syncSchedule") or default.sync_schedule),
            sync_chunk_size=int(ctx("syncChunkSize") or default.sync_chunk_size),
            portal_account=str(ctx("portalAccount")) if ctx("portalAccount") else None,
            signature_trust_anchors_pem=_trust_anchors(
                ctx("signatureTrustAnchorsPem"), ctx("signatureTrustAnchorsFile")
            ),
            application_retention_days=int(ctx("applicationRetentionDays") or default.application_retention_days),
        )


def _as_str(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _trust_anchors(pem: Any, path: Any) -> str:
    """The PEM bundle, inline or from a file (relative to the repository root)."""
    if path:
        return (REPO_ROOT / str(path)).read_text(encoding="ascii")
    return str(pem or "")


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
