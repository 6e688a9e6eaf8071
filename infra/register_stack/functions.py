"""The Lambda functions: one per ``routes.Function``, each with its own role and log group."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import jsii
from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_ssm as ssm
from constructs import Construct, IValidation

from ahaki.http.routes import WORKERS, Function
from ahaki.kernel.specs import AUDIT_TABLE, BUCKETS, KEYS, TABLES
from infra.register_stack.environment import reads_of
from infra.register_stack.grant_statements import GrantStatements
from infra.register_stack.grants import AUDIT_DENIED
from infra.register_stack.keys import Keys
from infra.register_stack.messaging import Messaging
from infra.register_stack.nag import NIST, acknowledge
from infra.register_stack.paths import DOMAIN_LAYER_DIR, FUNCTIONS_DIR, require_dependency_layer
from infra.register_stack.roles import portal_role_name, role_name
from infra.register_stack.settings import Settings
from infra.register_stack.tables import Tables

if TYPE_CHECKING:  # the contexts declare their functions; this module never imports them
    from infra.register_stack.contexts import Context
    from infra.register_stack.contexts.base import FunctionDeclaration, Parameter

RUNTIME = lambda_.Runtime.PYTHON_3_14  # keep in step with PYTHON_VERSION in infra/build_layer.py
ARCHITECTURE = lambda_.Architecture.ARM_64
HANDLER = "handler.lambda_handler"
AUDIT_SHARDS = 16
SSM_STANDARD_LIMIT = 4096  # characters of a standard parameter's value; larger ones are advanced
_ASSET_EXCLUDES = ["**/__pycache__", "**/*.pyc", "**/.pytest_cache", "**/.mypy_cache"]


_API_DLQ_REASON = (
    "Invoked synchronously by API Gateway only: the caller receives every error as an HTTP "
    "problem response, and a dead-letter queue applies to asynchronous invocations only."
)
_WORKER_DLQ_REASON = (
    "Invoked by an event source mapping (the outbox stream or an SQS queue), never asynchronously: "
    "failed records go to the mapping's on-failure destination (stream) or the queue's own "
    "redrive DLQ (SQS), each with a depth alarm to the staff topic; a function DLQ would never receive one."
)


@jsii.implements(IValidation)
class _EnvironmentCheck:
    """Fails synthesis when a function reads a variable no construct of the stack provides."""

    def __init__(self, check: Callable[[], list[str]]) -> None:
        self._check = check

    def validate(self) -> list[str]:
        return self._check()


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


class Functions(Construct):
    """``functions[Function.X]``, with ``roles`` and ``log_groups`` keyed the same way; each built
    as its context declares it (``declared``), in its context's stack."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        keys: Keys,
        tables: Tables,
        messaging: Messaging,
        declared: Mapping[Function, FunctionDeclaration],
        context_of: Mapping[Function, Context],
        context_stacks: Mapping[Context, Construct],
        buckets: Mapping[str, s3.IBucket] | None = None,
        values: Mapping[str, str] | None = None,
        parameters: Sequence[Parameter] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        # Each function is built in its context's stack (``Functions`` there); the layers, the
        # contexts' parameters and the values every function may be given stay here, in the platform.
        self._homes: dict[Context, Construct] = {
            context: Construct(stack, construct_id) for context, stack in context_stacks.items()
        }
        self._declared = declared
        self._context_of = context_of
        self._settings = settings
        self._keys = keys
        self._tables = tables
        self._messaging = messaging
        self._buckets = dict(buckets or {})
        self._statements = GrantStatements(self, keys=keys, tables=tables, messaging=messaging, buckets=self._buckets)
        self._layers = self._build_layers()
        self.parameters: dict[str, ssm.StringParameter] = {p.variable: self._build_parameter(p) for p in parameters}
        self._parameter_ids = {p.variable: p.statement_id for p in parameters}
        self._values = self._build_values(values or {})
        self.roles: dict[Function, iam.Role] = {}
        self.log_groups: dict[Function, logs.LogGroup] = {}
        self.functions: dict[Function, lambda_.Function] = {
            function: self._build_function(function) for function in Function
        }
        self.audit_guards: dict[Context, iam.ManagedPolicy] = {
            context: self._build_audit_guard(context, [r for f, r in self.roles.items() if context_of[f] is context])
            for context in context_stacks
        }
        self.node.add_validation(_EnvironmentCheck(self._check_environment))

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

    def _build_parameter(self, parameter: Parameter) -> ssm.StringParameter:
        """A context's parameter, here in the platform; its name is generated per stack."""
        return ssm.StringParameter(
            self,
            parameter.construct_id,
            description=parameter.description,
            string_value=parameter.value,
            tier=ssm.ParameterTier.ADVANCED
            if len(parameter.value) > SSM_STANDARD_LIMIT
            else ssm.ParameterTier.STANDARD,
        )

    def _build_values(self, offered: Mapping[str, str]) -> dict[str, str]:
        """Every value a function may be given; each function's declared reads pick its own."""
        values: dict[str, str] = {
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "POWERTOOLS_METRICS_NAMESPACE": "Ahaki",
            "AUDIT_SHARDS": str(AUDIT_SHARDS),
        }
        for spec in TABLES:
            values[spec.env_var] = self._tables[spec.logical_id].table_name
        for key_spec in KEYS:
            if key_spec.env_var:
                values[key_spec.env_var] = self._keys[key_spec.logical_id].key_arn
        values.update(self._messaging.env)
        for bucket_spec in BUCKETS:
            if bucket_spec.logical_id in self._buckets:
                values[bucket_spec.env_var] = self._buckets[bucket_spec.logical_id].bucket_name
        values.update(offered)
        stack = Stack.of(self)
        role = portal_role_name(self._settings.stage)
        values["PORTAL_CALLER_ARNS"] = f"arn:{stack.partition}:sts::{stack.account}:assumed-role/{role}/*"
        values["PORTAL_TENANT_ID"] = "foundation"
        values.update({variable: parameter.parameter_name for variable, parameter in self.parameters.items()})
        values["STAFF_ALLOWED_ORIGINS"] = ",".join(self._settings.staff_origins)
        return values

    def reads(self, function: Function) -> tuple[str, ...]:
        """The variables the function's code reads, as its context declares them."""
        return reads_of(function, self._declared[function].reads)

    def offer(self, values: Mapping[str, str]) -> None:
        """Values built after the functions (the sync's bucket and queue): set where declared."""
        self._values.update(values)
        for function, fn in self.functions.items():
            for name in self.reads(function):
                if name in values:
                    fn.add_environment(name, values[name])

    def _check_environment(self) -> list[str]:
        return [
            f"{function.value} reads {name}, which nothing in the stack provides"
            for function in self.functions
            for name in self.reads(function)
            if name not in self._values
        ]

    # -- one function ----------------------------------------------------------------------------

    def grant_declared(
        self, scope: Construct, construct_id: str, function: Function, arns: Mapping[str, str]
    ) -> iam.ManagedPolicy:
        """The function's ``late`` grants (its declaration) on resources built after it, by the names
        ``arns`` offers them under: the declaration stays the one place that says what it may do."""
        late = self._declared[function].access.late
        uses = [use for use in late if use.resource in arns]
        missing = {use.resource for use in late} - set(arns)
        if not uses or missing:
            raise ValueError(f"{function.value}: declared late grants {sorted(missing)} are not offered here")
        return iam.ManagedPolicy(
            scope,
            construct_id,
            description=f"What the {function.value} function may do with the resources built after it",
            roles=[self.roles[function]],
            statements=[iam.PolicyStatement(actions=list(use.actions), resources=[arns[use.resource]]) for use in uses],
        )

    def audit_guard(self, function: Function) -> iam.ManagedPolicy:
        """The append-only guard on the audit table that applies to the function's role."""
        return self.audit_guards[self._context_of[function]]

    def home(self, function: Function) -> Construct:
        """Where the function's resources are built: ``Functions`` in its context's stack."""
        return self._homes[self._context_of[function]]

    def _build_function(self, function: Function) -> lambda_.Function:
        declaration = self._declared[function]
        name = _pascal(function.value)
        home = self.home(function)
        log_group = logs.LogGroup(
            home,
            f"{name}Logs",
            retention=self._settings.log_retention,
            encryption_key=self._keys.logs_key,
            removal_policy=self._settings.removal_policy,
        )
        role = iam.Role(
            home,
            f"{name}Role",
            role_name=role_name(self._settings.stage, function),
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Execution role of the {function.value} function (least privilege)",
        )
        policy = iam.ManagedPolicy(
            home,
            f"{name}Policy",
            description=f"What the {function.value} function may do, and nothing else",
            roles=[role],
            statements=self._statements.of(declaration.access, log_group, home)
            + self._parameter_statements(declaration.parameters),
        )
        fn = lambda_.Function(
            home,
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
            timeout=Duration.seconds(declaration.timeout_seconds),
            reserved_concurrent_executions=self._settings.reserved_concurrency.get(function),
            environment={name: self._values[name] for name in self.reads(function) if name in self._values}
            | {"POWERTOOLS_SERVICE_NAME": function.value},
        )
        fn.node.add_dependency(policy)  # the role can act before the first invocation
        if function not in self._settings.reserved_concurrency:
            acknowledge(
                fn,
                "A dev stage reserves no concurrency so that it deploys into an account with Lambda's "
                "default low quota; production reserves per function (settings.PRODUCTION_RESERVED_CONCURRENCY).",
                f"{NIST}-LambdaConcurrency",
            )
        acknowledge(
            fn,
            declaration.dlq_reason or (_WORKER_DLQ_REASON if function in WORKERS else _API_DLQ_REASON),
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

    def _parameter_statements(self, variables: tuple[str, ...]) -> list[iam.PolicyStatement]:
        """Only a function that declares a parameter may read it."""
        return [
            iam.PolicyStatement(
                sid=self._parameter_ids[variable],
                actions=["ssm:GetParameter"],
                resources=[self.parameters[variable].parameter_arn],
            )
            for variable in variables
        ]

    # -- every role ------------------------------------------------------------------------------

    def _build_audit_guard(self, context: Context, roles: list[iam.Role]) -> iam.ManagedPolicy:
        audit = self._tables[AUDIT_TABLE.logical_id]
        home = self._homes[context]
        return iam.ManagedPolicy(
            home,
            f"{context.stack_id.removesuffix('Stack')}AuditAppendOnly",  # unique across the stacks' templates
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
