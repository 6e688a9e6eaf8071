"""The intake context: online applications from the portal, their attachments and their review.

Its functions with their grants and environment; the attachments bucket (it holds data: the
platform stack, before the functions, whose policies name it); the upload events to the
attachment function; the portal integration's invoke-only role (beside the API); and the daily
retention job (``intake_retention.py``).
"""

from __future__ import annotations

from aws_cdk import CfnElement, Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from ahaki.http.routes import ROUTES, AuthType, Function
from ahaki.kernel.specs import (
    APPLICATIONS_TABLE,
    ATTACHMENTS_BUCKET,
    AUDIT_TABLE,
    BLIND_INDEX_KEY,
    IDEMPOTENCY_TABLE,
    REGISTER_TABLE,
    VAULT_KEY,
    VAULT_TABLE,
)
from infra.register_stack.api import API_STAGE
from infra.register_stack.async_failures import keep_async_failures
from infra.register_stack.contexts.base import ContextInfra, FunctionDeclaration, Parameter, Platform, Wiring
from infra.register_stack.contexts.intake_malware import build_malware_protection, build_threat_rule
from infra.register_stack.contexts.intake_retention import ApplicationRetention
from infra.register_stack.contexts.intake_settings import IntakeStageSettings
from infra.register_stack.environment import REGISTER
from infra.register_stack.grants import (
    AUDIT_APPEND,
    OUTBOX_APPEND,
    REGISTER_REGISTRATION,
    BucketAccess,
    FunctionAccess,
    KeyUse,
    TableAccess,
)
from infra.register_stack.keys import Keys
from infra.register_stack.messaging import default_bus_rule
from infra.register_stack.nag import AWS_SOLUTIONS, NIST, acknowledge
from infra.register_stack.roles import portal_role_name
from infra.register_stack.settings import Settings

# Decided applications lose their attachments after the retention period (the retention job);
# the lifecycle rule is the backstop for whatever is left: retention + the longest review.
REVIEW_WINDOW_DAYS = 180
# The card's signing CAs, read by the portal function once per cold start from an SSM parameter:
# a PEM bundle of two CAs would not fit Lambda's 4 KB environment.
TRUST_ANCHORS_PARAMETER = "SIGNATURE_TRUST_ANCHORS_PARAMETER"
NO_TRUST_ANCHORS = "none configured"  # SSM refuses an empty value; the loader reads it as no anchors
RETENTION_DAYS = "APPLICATION_RETENTION_DAYS"
MALWARE_SCAN = "ATTACHMENT_MALWARE_SCAN"  # "true" where the stage's GuardDuty plan scans (intake_malware.py)

# ahaki.intake.wiring.IntakeSettings.from_env (only the portal function is granted the
# trust anchors parameter: the others never check a signature, so never load it)
INTAKE = (
    *REGISTER,
    IDEMPOTENCY_TABLE.env_var,
    ATTACHMENTS_BUCKET.env_var,
    RETENTION_DAYS,
    TRUST_ANCHORS_PARAMETER,
    MALWARE_SCAN,
)
# ahaki.intake.wiring.policy_from_env (offered by intake_retention.py)
RETENTION_POLICY = ("APPLICATION_REMINDER_DAYS", "ABANDONED_APPLICATION_DAYS")
_APPLICATIONS = TableAccess(
    APPLICATIONS_TABLE,
    actions=("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"),
    index_actions=("dynamodb:Query",),
)
_UPLOAD_DLQ_REASON = (
    "Invoked by an EventBridge rule on attachment uploads, which retries and keeps "
    "its own dead-letter handling; a lost event leaves the application incomplete, visible to staff."
)

FUNCTIONS = {
    # The portal function seals a new registration's My Number (Encrypt, never Decrypt) and signs
    # the presigned PUTs, so the upload is authorized as this role.
    Function.PORTAL_API: FunctionDeclaration(
        FunctionAccess(
            tables=(
                TableAccess(
                    REGISTER_TABLE, actions=("dynamodb:GetItem", "dynamodb:Query"), index_actions=("dynamodb:Query",)
                ),
                TableAccess(VAULT_TABLE, actions=("dynamodb:PutItem",)),  # the pending My Number, in the transaction
                AUDIT_APPEND,
                OUTBOX_APPEND,
                _APPLICATIONS,
                TableAccess(
                    IDEMPOTENCY_TABLE,
                    actions=("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
                ),
            ),
            keys=(KeyUse(VAULT_KEY, ("kms:Encrypt",)), KeyUse(BLIND_INDEX_KEY, ("kms:GenerateMac",))),
            buckets=(BucketAccess(ATTACHMENTS_BUCKET, ("s3:PutObject",), ("kms:GenerateDataKey",)),),
        ),
        reads=INTAKE,
        parameters=(TRUST_ANCHORS_PARAMETER,),
    ),
    # Staff decisions: the register operation and the application in one transaction. No use of
    # the vault's keys: the pending My Number is moved as ciphertext with its blind index.
    # It reads an attachment's bytes (checked again before staff get a link) and signs the
    # download link of one version, so the link's GET is authorized as this role (ADR 0260).
    Function.APPLICATION_REVIEW: FunctionDeclaration(
        FunctionAccess(
            tables=(
                REGISTER_REGISTRATION,
                TableAccess(VAULT_TABLE, actions=("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem")),
                AUDIT_APPEND,
                OUTBOX_APPEND,
                _APPLICATIONS,
            ),
            # The current version's scan tag names that version (s3:GetObjectTagging), ADR 0290.
            buckets=(
                BucketAccess(
                    ATTACHMENTS_BUCKET, ("s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"), ("kms:Decrypt",)
                ),
            ),
        ),
        reads=(*INTAKE, *RETENTION_POLICY),  # its routes over the deletion reports
    ),
    Function.ATTACHMENT_RECEIVED: FunctionDeclaration(
        FunctionAccess(
            tables=(
                AUDIT_APPEND,
                OUTBOX_APPEND,
                TableAccess(APPLICATIONS_TABLE, actions=("dynamodb:GetItem", "dynamodb:PutItem")),
            ),
            # It reads the bytes (their checks: intake/domain/attachment_content.py) and deletes a
            # refused upload's version itself, so no copy of it stays behind.
            buckets=(
                BucketAccess(
                    ATTACHMENTS_BUCKET,
                    ("s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion"),
                    ("kms:Decrypt",),
                ),
            ),
        ),
        reads=INTAKE,
        dlq_reason=_UPLOAD_DLQ_REASON,
    ),
    # The daily retention job (intake/services/retention.py): finds the applications due, sends
    # the overdue notice, deletes an application with its pending My Number; the bucket's
    # ListBucketVersions and the dead-letter queue are granted in intake_retention.py.
    Function.APPLICATION_RETENTION: FunctionDeclaration(
        FunctionAccess(
            tables=(
                TableAccess(
                    APPLICATIONS_TABLE,
                    actions=("dynamodb:Scan", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"),
                ),
                TableAccess(VAULT_TABLE, actions=("dynamodb:GetItem", "dynamodb:DeleteItem")),
                TableAccess(AUDIT_TABLE, actions=("dynamodb:PutItem", "dynamodb:Query")),  # chain head, append
                OUTBOX_APPEND,
            ),
            buckets=(BucketAccess(ATTACHMENTS_BUCKET, ("s3:DeleteObjectVersion",)),),
        ),
        reads=(*INTAKE, *RETENTION_POLICY),
        timeout_seconds=900,
    ),
}


def build_data(platform: Platform) -> None:
    """The attachments bucket; the retention period and the trust anchors, offered to the functions."""
    stage = IntakeStageSettings.from_context(platform.stage_context)
    bucket = build_attachments_bucket(platform.stack, settings=platform.settings, stage=stage, keys=platform.keys)
    platform.buckets[ATTACHMENTS_BUCKET.logical_id] = bucket
    platform.values[MALWARE_SCAN] = str(build_malware_protection(platform, stage, bucket)).lower()
    platform.values[RETENTION_DAYS] = str(stage.application_retention_days)
    pem = stage.signature_trust_anchors_pem.strip()
    platform.parameters.append(
        Parameter(
            construct_id="SignatureTrustAnchors",
            variable=TRUST_ANCHORS_PARAMETER,
            value=pem or NO_TRUST_ANCHORS,
            description="PEM bundle of the My Number card's signing CA certificates (public)",
            statement_id="ReadTrustAnchors",
        )
    )


def build(platform: Platform, wiring: Wiring) -> None:
    stage = IntakeStageSettings.from_context(platform.stage_context)
    bucket = platform.buckets[ATTACHMENTS_BUCKET.logical_id]
    IntakeWiring(
        wiring.stack,
        "Intake",
        stage=platform.settings.stage,
        bucket=bucket,
        attachment_function=wiring.functions[Function.ATTACHMENT_RECEIVED],
        dead_letters=platform.messaging.bus_dlq,
    )
    build_threat_rule(platform, wiring, stage, bucket)
    PortalIntegration(
        wiring.api_stack,
        "Intake",
        settings=platform.settings,
        stage=stage,
        rest_api=wiring.api.rest_api,
        methods=wiring.api.methods,
    )
    ApplicationRetention(
        wiring.stack, "Retention", functions=wiring.functions, messaging=platform.messaging, bucket=bucket
    )


CONTEXT = ContextInfra(functions=FUNCTIONS, build_data=build_data, build=build)


def build_attachments_bucket(
    scope: Construct, *, settings: Settings, stage: IntakeStageSettings, keys: Keys
) -> s3.Bucket:
    bucket = s3.Bucket(
        scope,
        ATTACHMENTS_BUCKET.logical_id,
        encryption=s3.BucketEncryption.KMS,
        encryption_key=keys[ATTACHMENTS_BUCKET.key_alias],
        bucket_key_enabled=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        versioned=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removal_policy=settings.removal_policy,
        # Presigned uploads straight from the applicant's browser (the portal's pages).
        cors=[
            s3.CorsRule(
                allowed_methods=[s3.HttpMethods.PUT],
                allowed_origins=list(stage.upload_origins),
                allowed_headers=["*"],
                max_age=3600,
            )
        ]
        if stage.upload_origins
        else None,
        lifecycle_rules=[
            s3.LifecycleRule(
                id="personal-data-retention",
                expiration=Duration.days(stage.application_retention_days + REVIEW_WINDOW_DAYS),
                noncurrent_version_expiration=Duration.days(1),
                abort_incomplete_multipart_upload_after=Duration.days(1),
            )
        ],
    )
    # Upload events through EventBridge, set on the resource itself: CDK's event_bridge_enabled
    # would add a custom-resource Lambda (with an AWS-managed policy) just to flip this switch.
    cfn = bucket.node.default_child
    assert isinstance(cfn, s3.CfnBucket)
    cfn.override_logical_id(ATTACHMENTS_BUCKET.logical_id)  # as tables and keys: the spec's name
    cfn.add_property_override("NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True)
    acknowledge(
        bucket,
        "Attachments are personal documents kept only until the retention period ends; S3 server "
        "access logs would copy object keys (application ids) into a second, longer-lived store. "
        "Every object operation is already authorized per function role and audited by the functions.",
        f"{AWS_SOLUTIONS}-S1",
        f"{NIST}-S3BucketLoggingEnabled",
    )
    acknowledge(
        bucket,
        "Cross-region replication would create a second copy of personal documents that must be "
        "deleted after the retention period; versioning and the 35-day recovery of the tables cover loss.",
        f"{NIST}-S3BucketReplicationEnabled",
    )
    return bucket


def _portal_principal(settings: Settings, stage: IntakeStageSettings) -> iam.IPrincipal:
    """Whoever may act for any applicant: the configured principal of the portal integration;
    without one, only a principal of this account tagged for this stage (a dev tester's role)."""
    if stage.portal_principal_arn:
        return iam.ArnPrincipal(stage.portal_principal_arn)
    account = iam.AccountPrincipal(stage.portal_account) if stage.portal_account else iam.AccountRootPrincipal()
    return account.with_conditions({"StringEquals": {"aws:PrincipalTag/ahaki-portal-integration": settings.stage}})


class IntakeWiring(Construct):
    """Upload events to the attachment function (in the intake context's stack)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: str,
        bucket: s3.IBucket,
        attachment_function: lambda_.IFunction,
        dead_letters: sqs.IQueue | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.upload_rule = default_bus_rule(
            self,
            "AttachmentUploaded",
            stage=stage,
            name="attachment-uploaded",
            description="An attachment arrived: mark it received on its application",
            pattern=events.EventPattern(
                source=["aws.s3"],
                detail_type=["Object Created"],
                detail={"bucket": {"name": [bucket.bucket_name]}},
            ),
            function=attachment_function,
            dead_letters=dead_letters,
        )
        if dead_letters is not None and dead_letters.encryption_master_key is not None and attachment_function.role:
            keep_async_failures(  # the function's own failures, after Lambda's retries
                self,
                "AttachmentAsyncFailures",
                function=attachment_function,
                role=attachment_function.role,
                queue=dead_letters,
                key=dead_letters.encryption_master_key,
            )


class PortalIntegration(Construct):
    """The portal integration's invoke-only role, beside the API it may call (the API's stack:
    a role in the intake stack would make the API and intake stacks need each other)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        stage: IntakeStageSettings,
        rest_api: apigw.RestApi,
        methods: dict[tuple[str, str], apigw.Method],
    ) -> None:
        super().__init__(scope, construct_id)
        self.portal_role = iam.Role(
            self,
            "PortalIntegrationRole",
            role_name=portal_role_name(settings.stage),
            assumed_by=_portal_principal(settings, stage),
            description="Assumed by the citizens' portal integration: may call /portal/* and nothing else",
            max_session_duration=Duration.hours(1),
        )
        iam.ManagedPolicy(
            self,
            "PortalInvokePolicy",
            description="The portal integration may invoke the /portal routes of the register API only",
            roles=[self.portal_role],
            statements=[
                iam.PolicyStatement(
                    sid="InvokePortalRoutes",
                    actions=["execute-api:Invoke"],
                    resources=[rest_api.arn_for_execute_api(method="*", path="/portal/*", stage=API_STAGE)],
                )
            ],
        )
        policy = self.node.find_child("PortalInvokePolicy")
        acknowledge(
            policy,
            "execute-api ARNs name routes by path; '/portal/*' is exactly the portal's route group "
            "(every method of every application route) and nothing else of the API.",
            f"{AWS_SOLUTIONS}-IAM5[Resource::arn:aws:execute-api:{settings.region}:<AWS::AccountId>:"
            f"<{_logical_id(rest_api)}>/{API_STAGE}/*/portal/*]",
        )
        for route in ROUTES:
            if route.auth is AuthType.PORTAL:
                acknowledge(
                    methods[(route.method, route.path)],
                    "The portal integration is a machine principal of the national portal, not a staff "
                    "member: it signs requests with IAM (SigV4) under its own role instead of a Cognito login.",
                    f"{AWS_SOLUTIONS}-COG4",
                )


def _logical_id(construct: Construct) -> str:
    """The CloudFormation logical id of a construct's resource, as cdk-nag names it."""
    cfn = construct.node.default_child
    assert isinstance(cfn, CfnElement)
    stack = Stack.of(cfn)
    return str(stack.resolve(stack.get_logical_id(cfn)))
