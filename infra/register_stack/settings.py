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
from typing import Any, Self

from aws_cdk import Environment, RemovalPolicy
from aws_cdk import aws_logs as logs
from constructs import Node

from ahaki.http.routes import Function

DEFAULT_STAGE = "dev"
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
class StageContext:
    """A stage's values in the CDK context: ``ahaki:stages.<stage>.<key>`` in cdk.json, else the
    top-level ``ahaki:<key>``. The platform's settings (below) and each context's own (in its file
    under ``contexts/``) read their keys through this one reader."""

    node: Node
    stage: str

    @classmethod
    def of(cls, node: Node, stage: str | None = None) -> Self:
        """The context of ``stage`` (default: the context's stage)."""
        named = node.try_get_context("stage") or node.try_get_context("ahaki:stage")
        return cls(node, stage or str(named or DEFAULT_STAGE))

    def __call__(self, key: str) -> Any:
        per_stage = as_mapping(as_mapping(self.node.try_get_context("ahaki:stages")).get(self.stage))
        return per_stage[key] if key in per_stage else self.node.try_get_context(f"ahaki:{key}")


@dataclass(frozen=True)
class Settings:
    """The platform's settings of a stage. What only one context uses is that context's own (its
    file under ``contexts/``: the sync's schedule, the applications' retention, …)."""

    stage: str = DEFAULT_STAGE
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
    staff_origins: tuple[str, ...] = ()  # browser origins of the staff web app (CORS)
    ses_sandbox_recipients: tuple[str, ...] = ()  # dev: verified recipient addresses (SES sandbox)
    # Staff invitations through the stage's SES domain; needs the domain verified first (README).
    cognito_mail_through_ses: bool = False
    staff_callback_urls: tuple[str, ...] = ()  # OAuth code flow (hosted UI) only when set
    email_domain: str = ""  # the SES identity notifications are sent from; "": <stage>.<base>
    email_base_domain: str = "register.ahaki.example.jp"

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
        ctx = StageContext.of(node, stage)
        default = cls()
        raw_concurrency = ctx("reservedConcurrency")
        concurrency = (
            dict(PRODUCTION_RESERVED_CONCURRENCY)
            if raw_concurrency == "production"
            else {Function(name): int(value) for name, value in as_mapping(raw_concurrency).items()}
        )
        return cls(
            stage=ctx.stage,
            account=str(ctx("account")) if ctx("account") else None,
            region=str(ctx("region") or default.region),
            log_retention_name=str(ctx("logRetention") or default.log_retention_name),
            api_throttle_rate=int(ctx("apiThrottleRate") or default.api_throttle_rate),
            api_throttle_burst=int(ctx("apiThrottleBurst") or default.api_throttle_burst),
            reserved_concurrency=concurrency,
            manage_api_gateway_account=as_bool(ctx("manageApiGatewayAccount"), default=False),
            retain_data=as_bool(ctx("retainData"), default=False) if ctx("retainData") is not None else None,
            alert_email=as_str(ctx("alertEmail")),
            staff_origins=tuple(as_list(ctx("staffOrigins"))),
            ses_sandbox_recipients=tuple(as_list(ctx("sesSandboxRecipients"))),
            cognito_mail_through_ses=as_bool(ctx("cognitoMailThroughSes"), default=False),
            staff_callback_urls=tuple(as_list(ctx("staffCallbackUrls"))),
            email_domain=str(ctx("emailDomain") or ""),
            email_base_domain=str(ctx("emailBaseDomain") or default.email_base_domain),
        )


def as_str(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def as_mapping(value: Any) -> Mapping[str, Any]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):  # -c key='{"registry_api": 10}' arrives as a string
        value = json.loads(value)
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a JSON object, got {value!r}")
    return value


def as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = json.loads(value) if value.startswith("[") else value.split(",")
    return [str(v).strip() for v in value if str(v).strip()]


def as_bool(value: Any, *, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)
