"""Dashboards and alarms for everything that runs, from cdk-monitoring-constructs.

One facade per stack that needs one: the platform's (API, tables, work queues) and one in each
context's stack for its functions, so that monitoring grows with a context in the context's own
stack. Each has a detail dashboard and an alarm dashboard; every alarm pages the staff alerts topic
(the DLQ depth alarms are built beside their queues, in each context's file under contexts/).
The platform's work queues are those the contexts add to ``Platform.work_queues``.
Thresholds are for a register with few staff writes and bursty portal and batch traffic: any
fault or throttle is worth a look, since a retry hides it from the caller but not from us.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from cdk_monitoring_constructs import (
    AlarmFactoryDefaults,
    DefaultDashboardFactory,
    ErrorCountThreshold,
    ErrorRateThreshold,
    LatencyThreshold,
    MaxAgeThreshold,
    MaxMessageAgeThreshold,
    MonitoringFacade,
    SnsAlarmActionStrategy,
    ThrottledEventsThreshold,
)
from constructs import Construct

from ahaki.http.routes import Function
from infra.register_stack.api import API_STAGE


@dataclass(frozen=True)
class WorkQueue:
    """A context's work queue, for the platform's dashboards: its oldest message alarms past ``max_age``."""

    queue: sqs.IQueue
    dead_letters: sqs.IQueue
    max_age: Duration


WARNING = "Warning"
API_P99 = Duration.seconds(3)
API_5XX_RATE = 0.01  # 1 % of requests in five minutes


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: str,
        staff_alerts: sns.ITopic,
        rest_api: apigw.IRestApi | None = None,
        functions: dict[Function, lambda_.Function] | None = None,
        stream_ages: Mapping[Function, Duration] | None = None,
        tables: dict[str, dynamodb.Table] | None = None,
        work_queues: Mapping[str, WorkQueue] | None = None,
        dashboard_suffix: str = "",
    ) -> None:
        super().__init__(scope, construct_id)
        self.facade = MonitoringFacade(
            self,
            "Facade",
            alarm_factory_defaults=AlarmFactoryDefaults(
                actions_enabled=True,
                alarm_name_prefix=f"ahaki-{stage}",
                action=SnsAlarmActionStrategy(on_alarm_topic=staff_alerts),
                datapoints_to_alarm=1,
                evaluation_periods=1,
            ),
            dashboard_factory=DefaultDashboardFactory(
                self,
                "Dashboards",
                dashboard_name_prefix=f"ahaki-{stage}{dashboard_suffix}",
                create_dashboard=True,
                create_alarm_dashboard=True,
                create_summary_dashboard=False,
            ),
        )
        if rest_api is not None:
            self._api(rest_api)
        for function, handler in (functions or {}).items():
            self._function(function, handler, (stream_ages or {}).get(function))
        for name, table in (tables or {}).items():
            self._table(name, table)
        for name, work_queue in (work_queues or {}).items():
            self._queue(name, work_queue)

    def _api(self, rest_api: apigw.IRestApi) -> None:
        self.facade.monitor_api_gateway(
            api=rest_api,
            api_stage=API_STAGE,
            alarm_friendly_name="Api",
            add5_xx_fault_rate_alarm={WARNING: ErrorRateThreshold(max_error_rate=API_5XX_RATE)},
            add_latency_p99_alarm={WARNING: LatencyThreshold(max_latency=API_P99)},
        )

    def _function(self, function: Function, handler: lambda_.Function, stream_age: Duration | None) -> None:
        name = function.value.title().replace("_", "")
        self.facade.monitor_lambda_function(
            lambda_function=handler,
            alarm_friendly_name=name,
            add_fault_count_alarm={WARNING: ErrorCountThreshold(max_error_count=0)},
            add_throttles_count_alarm={WARNING: ErrorCountThreshold(max_error_count=0)},
            add_max_iterator_age_alarm=(
                {WARNING: MaxAgeThreshold(max_age_in_millis=stream_age.to_milliseconds())} if stream_age else None
            ),
        )

    def _table(self, name: str, table: dynamodb.Table) -> None:
        self.facade.monitor_dynamo_table(
            table=table,
            alarm_friendly_name=name,
            add_read_throttled_events_count_alarm={WARNING: ThrottledEventsThreshold(max_throttled_events_threshold=0)},
            add_write_throttled_events_count_alarm={
                WARNING: ThrottledEventsThreshold(max_throttled_events_threshold=0)
            },
            add_system_error_count_alarm={WARNING: ErrorCountThreshold(max_error_count=0)},
        )

    def _queue(self, name: str, work_queue: WorkQueue) -> None:
        self.facade.monitor_sqs_queue_with_dlq(
            queue=work_queue.queue,
            dead_letter_queue=work_queue.dead_letters,
            alarm_friendly_name=name,
            add_queue_max_message_age_alarm={
                WARNING: MaxMessageAgeThreshold(max_age_in_seconds=work_queue.max_age.to_seconds())
            },
        )
