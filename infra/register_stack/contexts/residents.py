"""The residents context: on-demand 住基ネット look-ups and the monthly resident-register sync.

Its functions with their grants and environment. The exchange with J-LIS (key, bucket, queues)
holds data and lives in the platform stack (``residents_exchange.JlisExchange``); here, in the
context's stack: the functions' grants on it (``late``: declared below, given the ARNs once it
exists), the worker's queue mapping, the schedule that starts the planner (monthly, from
cdk.json: ``residents_settings.py``) and where the planner's failed invocations go.
"""

from __future__ import annotations

import json

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from constructs import Construct

from ahaki.http.routes import Function
from ahaki.kernel.specs import REGISTER_TABLE, SYNC_TABLE, VAULT_KEY, VAULT_TABLE
from ahaki.residents.domain.jlis import INBOUND, OUTBOUND
from infra.register_stack.async_failures import keep_async_failures
from infra.register_stack.contexts.base import ContextInfra, FunctionDeclaration, Platform, Wiring
from infra.register_stack.contexts.residents_exchange import MAX_RECEIVES, WORKER_TIMEOUT_SECONDS, JlisExchange
from infra.register_stack.contexts.residents_settings import ResidentsStageSettings
from infra.register_stack.environment import REGISTER
from infra.register_stack.functions import Functions
from infra.register_stack.grants import (
    AUDIT_APPEND_AND_COUNT,
    OUTBOX_APPEND,
    SQS_CONSUME,
    FunctionAccess,
    KeyUse,
    ResourceUse,
    TableAccess,
)
from infra.register_stack.monitoring import WorkQueue
from infra.register_stack.nag import AWS_SOLUTIONS, acknowledge, nested_reference
from infra.register_stack.schedules import scheduler_role
from infra.register_stack.settings import Settings

# ahaki.residents.wiring.build_sync_ports and the worker's redelivery count
SYNC = (SYNC_TABLE.env_var, "JLIS_BUCKET", "SYNC_QUEUE_URL", "JLIS_ADAPTER", "SYNC_CHUNK_SIZE", "SYNC_MAX_RECEIVES")

# A register change through registry.change: snapshot, history, reads of the current record.
_REGISTER_CHANGE = TableAccess(
    REGISTER_TABLE,
    actions=("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"),
    index_actions=("dynamodb:Query",),
)

# The exchange's resources, by the names ``build`` offers their ARNs under.
EXCHANGE_OUTBOUND = "JlisExchangeBucket/outbound/*"
EXCHANGE_INBOUND = "JlisExchangeBucket/inbound/*"
_EXCHANGE_KEY = ResourceUse("ExchangeKey", ("kms:GenerateDataKey", "kms:Decrypt"))  # S3 and SQS data keys
# A request file is written in parts (multipart upload) and read back; result files are read.
_EXCHANGE_FILES = (
    ResourceUse(EXCHANGE_OUTBOUND, ("s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload")),
    ResourceUse(EXCHANGE_INBOUND, ("s3:GetObject",)),
)
# A sync chunk may wait for its result file from J-LIS for up to a day.
QUEUE_MAX_AGE = Duration.hours(26)
_PLANNER_DLQ_REASON = (
    "Started by EventBridge Scheduler, which retries the start; a run that never "
    "started shows as a missing run and an operator starts it with POST /admin/sync-runs."
)

# Registrant changes go through the register's own transaction (snapshot, history, audit, outbox);
# the My Number is opened (kms:Decrypt) only for a registrant whose resident code is not yet known.
FUNCTIONS = {
    Function.RESIDENT_LOOKUP: FunctionDeclaration(
        FunctionAccess(
            tables=(
                TableAccess(REGISTER_TABLE, actions=("dynamodb:GetItem",)),
                TableAccess(VAULT_TABLE, actions=("dynamodb:GetItem",)),
                AUDIT_APPEND_AND_COUNT,
                # the look-up itself (put, read back), the rate counter (update), resident codes (query)
                TableAccess(
                    SYNC_TABLE,
                    actions=("dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:GetItem"),
                ),
            ),
            keys=(KeyUse(VAULT_KEY, ("kms:Decrypt",)),),
            # An on-demand look-up is a one-record request file in outbound/ (J-LIS answers into inbound/).
            late=(*_EXCHANGE_FILES, _EXCHANGE_KEY),
        ),
        reads=(*REGISTER, *SYNC),
    ),
    Function.SYNC_API: FunctionDeclaration(
        FunctionAccess(
            tables=(
                _REGISTER_CHANGE,
                TableAccess(VAULT_TABLE, actions=("dynamodb:GetItem", "dynamodb:DeleteItem")),
                AUDIT_APPEND_AND_COUNT,
                OUTBOX_APPEND,
                TableAccess(
                    SYNC_TABLE,
                    actions=("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"),
                    index_actions=("dynamodb:Query",),
                ),
            ),
            # POST /admin/sync-runs opens the run and hands its planning to the planner (asynchronous invoke).
            late=(ResourceUse("SyncPlanner", ("lambda:InvokeFunction",)),),
        ),
        reads=(*REGISTER, *SYNC),
    ),
    Function.SYNC_PLANNER: FunctionDeclaration(
        FunctionAccess(
            tables=(
                TableAccess(REGISTER_TABLE, actions=("dynamodb:Query",), index_actions=("dynamodb:Query",)),
                AUDIT_APPEND_AND_COUNT,
                # Runs and the planner's checkpoint (read back when a planner resumes a run).
                TableAccess(SYNC_TABLE, actions=("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")),
            ),
            late=(ResourceUse("SyncQueue", ("sqs:SendMessage",)), _EXCHANGE_KEY),  # one message per chunk
        ),
        reads=(*REGISTER, *SYNC),
        timeout_seconds=900,
        dlq_reason=_PLANNER_DLQ_REASON,
    ),
    Function.SYNC_WORKER: FunctionDeclaration(
        FunctionAccess(
            tables=(
                _REGISTER_CHANGE,
                TableAccess(VAULT_TABLE, actions=("dynamodb:GetItem",)),
                AUDIT_APPEND_AND_COUNT,
                OUTBOX_APPEND,
                TableAccess(
                    SYNC_TABLE,
                    actions=(
                        "dynamodb:GetItem",
                        "dynamodb:Query",
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem",  # a chunk's failure marker, once its message succeeds
                    ),
                ),
            ),
            keys=(KeyUse(VAULT_KEY, ("kms:Decrypt",)),),
            late=(ResourceUse("SyncQueue", SQS_CONSUME), *_EXCHANGE_FILES, _EXCHANGE_KEY),
        ),
        reads=(*REGISTER, *SYNC),
        timeout_seconds=WORKER_TIMEOUT_SECONDS,
    ),
}


def build(platform: Platform, wiring: Wiring) -> None:
    stage = ResidentsStageSettings.from_context(platform.stage_context)
    exchange = JlisExchange(
        platform.stack,
        "ResidentSync",
        settings=platform.settings,
        jlis_principal_arn=stage.jlis_principal_arn,
        staff_alerts=platform.messaging.topic,
    )
    platform.work_queues["SyncQueue"] = WorkQueue(exchange.queue, exchange.dead_letters, QUEUE_MAX_AGE)
    SyncWiring(
        wiring.stack,
        "ResidentSync",
        settings=platform.settings,
        stage=stage,
        functions=wiring.functions,
        exchange=exchange,
    )


CONTEXT = ContextInfra(functions=FUNCTIONS, build=build)


class SyncWiring(Construct):
    """The sync functions' side of the exchange, in the context's stack."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        stage: ResidentsStageSettings,
        functions: Functions,
        exchange: JlisExchange,
    ) -> None:
        super().__init__(scope, construct_id)
        self._settings = settings
        self._stage = stage
        self._functions = functions
        self._exchange = exchange
        self._wire_functions()
        self.schedule = self._build_schedule()
        keep_async_failures(
            self,
            "PlannerAsyncFailures",
            function=functions[Function.SYNC_PLANNER],
            role=functions.roles[Function.SYNC_PLANNER],
            queue=exchange.planner_failures,
            key=exchange.key,
        )

    def _wire_functions(self) -> None:
        env = {
            "JLIS_BUCKET": self._exchange.bucket.bucket_name,
            "SYNC_QUEUE_URL": self._exchange.queue.queue_url,
            "JLIS_ADAPTER": "s3",
            "SYNC_CHUNK_SIZE": str(self._stage.sync_chunk_size),
            "SYNC_MAX_RECEIVES": str(MAX_RECEIVES),
        }
        self._functions.offer(env)
        worker = self._functions[Function.SYNC_WORKER]
        planner = self._functions[Function.SYNC_PLANNER]
        self._functions[Function.SYNC_API].add_environment("SYNC_PLANNER_FUNCTION", planner.function_name)
        # What each function may do here is declared above (``late``); these are the ARNs.
        arns = {
            "SyncPlanner": planner.function_arn,
            "SyncQueue": self._exchange.queue.queue_arn,
            "ExchangeKey": self._exchange.key.key_arn,
            EXCHANGE_OUTBOUND: self._exchange.bucket.arn_for_objects(f"{OUTBOUND}/*"),
            EXCHANGE_INBOUND: self._exchange.bucket.arn_for_objects(f"{INBOUND}/*"),
        }
        self._policy(Function.SYNC_API, "Send", arns)
        self._policy(Function.SYNC_PLANNER, "Send", arns)
        self._policy(Function.RESIDENT_LOOKUP, "Inquiry", arns)
        exchange = self._policy(Function.SYNC_WORKER, "Exchange", arns)
        mapping = worker.add_event_source_mapping(
            "SyncQueueMapping",
            event_source_arn=self._exchange.queue.queue_arn,
            batch_size=1,  # a message is a whole chunk: its own retry and its own DLQ entry
            report_batch_item_failures=True,
            # Throttled receives would count towards the fifth receive and dead-letter good chunks:
            # Lambda never polls for more concurrent chunks than the worker may run.
            max_concurrency=sync_worker_concurrency(self._settings),
        )
        # Lambda refuses a mapping whose role cannot yet receive from (and decrypt) the queue.
        mapping.node.add_dependency(exchange, self._functions.audit_guard(Function.SYNC_WORKER))

    def _policy(self, function: Function, name: str, arns: dict[str, str]) -> iam.ManagedPolicy:
        bucket_arn = nested_reference(self._exchange.bucket, "Arn")  # as cdk-nag names it in the context's stack
        declared = {use.resource for use in FUNCTIONS[function].access.late}
        policy = self._functions.grant_declared(
            self,
            f"{function.value.title().replace('_', '')}{name}",
            function,
            {resource: arn for resource, arn in arns.items() if resource in declared},
        )
        acknowledge(
            policy,
            "Object keys are per tenant, run and chunk, created at run time: the grant is limited to "
            "the bucket's outbound/ (write and read back) and inbound/ (read) prefixes of this one "
            "bucket, and the KMS actions are S3 SSE-KMS data-key use on the exchange key only.",
            *(f"{AWS_SOLUTIONS}-IAM5[Resource::{bucket_arn}/{prefix}/*]" for prefix in (OUTBOUND, INBOUND)),
        )
        return policy

    def _build_schedule(self) -> scheduler.CfnSchedule:
        planner = self._functions[Function.SYNC_PLANNER]
        role = scheduler_role(self, "EventBridge Scheduler invokes the sync planner, nothing else")
        iam.ManagedPolicy(
            self,
            "SchedulerInvokesPlanner",
            roles=[role],
            statements=[iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[planner.function_arn])],
        )
        return scheduler.CfnSchedule(
            self,
            "MonthlyVerification",
            description="Scheduled verification of every live registrant against the resident register",
            schedule_expression=self._stage.sync_schedule,
            schedule_expression_timezone="Asia/Tokyo",
            flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
            target=scheduler.CfnSchedule.TargetProperty(
                arn=planner.function_arn,
                role_arn=role.role_arn,
                # The firing's time names the run: a retried invocation resumes it
                # (docs/adr/0049-planner-resumes-from-a-checkpoint.md).
                input=json.dumps(
                    {
                        "tenant_id": "foundation",
                        "qualification": "anma_massage_shiatsu",
                        "scheduled_time": "<aws.scheduler.scheduled-time>",
                    }
                ),
                retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(maximum_retry_attempts=3),
            ),
        )


def sync_worker_concurrency(settings: Settings) -> int:
    """The queue mapping's maximum concurrency: the worker's reservation, or Lambda's minimum (2)."""
    return max(2, settings.reserved_concurrency.get(Function.SYNC_WORKER, 2))
