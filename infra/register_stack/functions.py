"""The Lambda functions: one per ``routes.Function``, each with its own role and log group."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ahaki.adapters.schema import AUDIT_TABLE, BUCKETS, KEYS, TABLES
from ahaki.http.routes import WORKERS, AuthType, Function, routes_of
from infra.register_stack.access import (
    AUDIT_DENIED,
    TABLE_KEY_READ,
    TABLE_KEY_WRITE,
    BucketAccess,
    FunctionAccess,
    TableAccess,
    access_of,
)
from infra.register_stack.keys import Keys
from infra.register_stack.messaging import Messaging
from infra.register_stack.messaging_access import WORKER_DLQ_REASON, WORKER_TIMEOUTS, messaging_statements
from infra.register_stack.nag import AWS_SOLUTIONS, NIST, acknowledge
from infra.register_stack.paths import DOMAIN_LAYER_DIR, FUNCTIONS_DIR, require_dependency_layer
from infra.register_stack.settings import Settings
from infra.register_stack.tables import Tables

RUNTIME = lambda_.Runtime.PYTHON_3_14  # keep in step with PYTHON_VERSION in infra/build_layer.py
ARCHITECTURE = lambda_.Architecture.ARM_64
HANDLER = "handler.lambda_handler"
AUDIT_SHARDS = 16
_ASSET_EXCLUDES = ["**/__pycache__", "**/*.pyc", "**/.pytest_cache", "**/.mypy_cache"]


_API_DLQ_REASON = (
    "Invoked synchronously by API Gateway only: the caller receives every error as an HTTP "
    "problem response, and a dead-letter queue applies to asynchronous invocations only."
)
_DLQ_REASONS = {
    Function.ATTACHMENT_RECEIVED: "Invoked by an EventBridge rule on attachment uploads, which retries and keeps "
    "its own dead-letter handling; a lost event leaves the application incomplete, visible to staff.",
    Function.SYNC_PLANNER: "Started by EventBridge Scheduler, which retries the start; a run that never "
    "started shows as a missing run and an operator starts it with POST /admin/sync-runs.",
}


def portal_role_name(stage: str) -> str:
    """The portal integration's role has a fixed name, so functions can recognise it without a
    reference (which would make the API, the role and the functions depend on one another)."""
    return f"ahaki-portal-integration-{stage}"


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


class Functions(Construct):
    """``functions[Function.X]``, with ``roles`` and ``log_groups`` keyed the same way."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        keys: Keys,
        tables: Tables,
        messaging: Messaging,
        buckets: Mapping[str, s3.IBucket] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self._settings = settings
        self._keys = keys
        self._tables = tables
        self._messaging = messaging
        self._buckets = dict(buckets or {})
        self._layers = self._build_layers()
        self._environment = self._build_environment()
        self.roles: dict[Function, iam.Role] = {}
        self.log_groups: dict[Function, logs.LogGroup] = {}
        self.functions: dict[Function, lambda_.Function] = {
            function: self._build_function(function) for function in Function
        }
        self.audit_guard = self._build_audit_guard(list(self.roles.values()))

    def __getitem__(self, function: Function) -> lambda_.Function:
        return self.functions[function]

    # -- shared pieces -------------------------------------------------------------------------

    def _build_layers(self) -> list[lambda_.ILayerVersion]:
        domain = lambda_.LayerVersion(
            self,
            "DomainLayer",
            code=lambda_.Code.from_asset(str(DOMAIN_LAYER_DIR), exclude=_ASSET_EXCLUDES),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="ahaki domain package (domain, services, adapters, http)",
        )
        dependencies = lambda_.LayerVersion(
            self,
            "DependencyLayer",
            code=lambda_.Code.from_asset(str(require_dependency_layer()), exclude=_ASSET_EXCLUDES),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="Pinned third-party packages from uv.lock (built by infra/build_layer.py)",
        )
        return [dependencies, domain]

    def _build_environment(self) -> Mapping[str, str]:
        env: dict[str, str] = {
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "POWERTOOLS_METRICS_NAMESPACE": "Ahaki",
            "AUDIT_SHARDS": str(AUDIT_SHARDS),
        }
        for spec in TABLES:
            env[spec.env_var] = self._tables[spec.logical_id].table_name
        for key_spec in KEYS:
            if key_spec.env_var:
                env[key_spec.env_var] = self._keys[key_spec.logical_id].key_arn
        env.update(self._messaging.env)
        for bucket_spec in BUCKETS:
            if bucket_spec.logical_id in self._buckets:
                env[bucket_spec.env_var] = self._buckets[bucket_spec.logical_id].bucket_name
        env["APPLICATION_RETENTION_DAYS"] = str(self._settings.application_retention_days)
        return env

    def _portal_environment(self, function: Function) -> dict[str, str]:
        """Portal functions learn which IAM role is the portal integration, and its trust anchors."""
        if not any(route.auth is AuthType.PORTAL for route in routes_of(function)):
            return {}
        stack = Stack.of(self)
        role = portal_role_name(self._settings.stage)
        return {
            "PORTAL_CALLER_ARNS": f"arn:{stack.partition}:sts::{stack.account}:assumed-role/{role}/*",
            "PORTAL_TENANT_ID": "foundation",
            "SIGNATURE_TRUST_ANCHORS_PEM": self._settings.signature_trust_anchors_pem,
        }

    # -- one function ----------------------------------------------------------------------------

    def _build_function(self, function: Function) -> lambda_.Function:
        name = _pascal(function.value)
        log_group = logs.LogGroup(
            self,
            f"{name}Logs",
            retention=self._settings.log_retention,
            encryption_key=self._keys.logs_key,
            removal_policy=RemovalPolicy.RETAIN,
        )
        role = iam.Role(
            self,
            f"{name}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Execution role of the {function.value} function (least privilege)",
        )
        policy = iam.ManagedPolicy(
            self,
            f"{name}Policy",
            description=f"What the {function.value} function may do, and nothing else",
            roles=[role],
            statements=self._build_statements(access_of(function), log_group),
        )
        fn = lambda_.Function(
            self,
            name,
            description=f"ahaki register: {function.value}",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=HANDLER,
            code=lambda_.Code.from_asset(str(FUNCTIONS_DIR / function.value), exclude=_ASSET_EXCLUDES),
            layers=self._layers,
            role=role,
            log_group=log_group,
            memory_size=1024,
            timeout=Duration.seconds(WORKER_TIMEOUTS.get(function, 10)),  # API Gateway gives up at 29 s
            reserved_concurrent_executions=self._settings.reserved_concurrency[function],
            environment={
                **self._environment,
                **self._portal_environment(function),
                "POWERTOOLS_SERVICE_NAME": function.value,
            },
        )
        fn.node.add_dependency(policy)  # the role can act before the first invocation
        acknowledge(
            fn,
            _DLQ_REASONS.get(function, WORKER_DLQ_REASON if function in WORKERS else _API_DLQ_REASON),
            f"{NIST}-LambdaDLQ",
        )
        acknowledge(
            fn,
            "The function reaches only DynamoDB and KMS, through their regional AWS endpoints over "
            "TLS with SigV4; it has no private network resource to reach. Attaching it to a VPC would "
            "add NAT or interface endpoints without narrowing what it can access, which IAM "
            "(per-function least privilege, kms:ViaService) already limits.",
            f"{NIST}-LambdaInsideVPC",
        )
        self.roles[function] = role
        self.log_groups[function] = log_group
        return fn

    def _build_statements(self, access: FunctionAccess, log_group: logs.LogGroup) -> list[iam.PolicyStatement]:
        statements = [
            iam.PolicyStatement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        ]
        for table_access in access.tables:
            statements += self._table_statements(table_access)
        statements += self._table_key_statements(access.tables)
        for bucket_access in access.buckets:
            statements += self._bucket_statements(bucket_access)
        statements += messaging_statements(self._messaging, access.messaging)
        for use in access.keys:
            key = self._keys[use.key.logical_id]
            statements.append(
                iam.PolicyStatement(
                    sid=f"Use{use.key.logical_id}",
                    actions=list(use.actions),
                    resources=[key.key_arn],
                    conditions=self._key_use_conditions(use.key.hmac),
                )
            )
        return statements

    def _table_statements(self, access: TableAccess) -> list[iam.PolicyStatement]:
        table = self._tables[access.table.logical_id]
        statements = []
        if access.actions:
            statements.append(
                iam.PolicyStatement(
                    sid=f"{access.table.logical_id}Items",
                    actions=list(access.actions),
                    resources=[table.table_arn],
                )
            )
        if access.stream_actions:
            statements.append(
                iam.PolicyStatement(
                    sid=f"{access.table.logical_id}Stream",
                    actions=list(access.stream_actions),
                    resources=[str(table.table_stream_arn)],
                )
            )
        if access.index_actions and access.table.indexes:
            statements.append(
                iam.PolicyStatement(
                    sid=f"{access.table.logical_id}Indexes",
                    actions=list(access.index_actions),
                    resources=[f"{table.table_arn}/index/{index.name}" for index in access.table.indexes],
                )
            )
        return statements

    def _table_key_statements(self, accesses: tuple[TableAccess, ...]) -> list[iam.PolicyStatement]:
        writes: dict[str, bool] = {}
        for access in accesses:
            alias = access.table.key_alias
            writes[alias] = writes.get(alias, False) or access.writes
        via_dynamodb = {"StringEquals": {"kms:ViaService": f"dynamodb.{Stack.of(self).region}.amazonaws.com"}}
        statements = []
        for alias, write in writes.items():
            key: kms.Key = self._keys[alias]
            statements.append(
                iam.PolicyStatement(
                    sid=f"{alias}ViaDynamoDB",
                    actions=list(TABLE_KEY_WRITE if write else TABLE_KEY_READ),
                    resources=[key.key_arn],
                    conditions=via_dynamodb,
                )
            )
        return statements

    def _bucket_statements(self, access: BucketAccess) -> list[iam.PolicyStatement]:
        bucket = self._buckets[access.bucket.logical_id]
        statements = [
            iam.PolicyStatement(
                sid=f"{access.bucket.logical_id}Objects",
                actions=list(access.actions),
                resources=[bucket.arn_for_objects("*")],
            )
        ]
        acknowledge(
            self,
            "Attachment object keys are <tenant>/<application id>/<type>, created per application: the "
            "object ARN must end in a wildcard; the actions are only the object-level ones the function needs.",
            f"{AWS_SOLUTIONS}-IAM5[Resource::<{access.bucket.logical_id}.Arn>/*]",
        )
        if access.key_actions:
            via_s3 = {"StringEquals": {"kms:ViaService": f"s3.{Stack.of(self).region}.amazonaws.com"}}
            statements.append(
                iam.PolicyStatement(
                    sid=f"{access.bucket.key_alias}ViaS3",
                    actions=list(access.key_actions),
                    resources=[self._keys[access.bucket.key_alias].key_arn],
                    conditions=via_s3,
                )
            )
        return statements

    @staticmethod
    def _key_use_conditions(hmac: bool) -> dict[str, object] | None:
        if hmac:
            return None
        # The vault binds every ciphertext to its qualification_pseudonym_id with an encryption
        # context; a call without any context is a bug (or an attack) and is refused by IAM.
        return {"Null": {"kms:EncryptionContextKeys": "false"}}

    # -- every role ------------------------------------------------------------------------------

    def _build_audit_guard(self, roles: list[iam.Role]) -> iam.ManagedPolicy:
        audit = self._tables[AUDIT_TABLE.logical_id]
        return iam.ManagedPolicy(
            self,
            "AuditAppendOnly",
            description="The audit trail is append-only: no function may change or delete a record",
            roles=roles,
            statements=[
                iam.PolicyStatement(
                    sid="AuditTrailIsAppendOnly",
                    effect=iam.Effect.DENY,
                    actions=list(AUDIT_DENIED),
                    resources=[audit.table_arn],
                )
            ],
        )
