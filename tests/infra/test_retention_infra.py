"""The daily retention job as deployed: its schedule, input, retries, dead letters and alarm."""

from __future__ import annotations

import json

import pytest

from tests.infra.conftest import PRODUCTION
from tests.infra.template_tools import Synthesized, ref_id

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _retention_function(synthesized: Synthesized) -> tuple[str, dict[str, object]]:
    [(logical_id, fn)] = [
        (lid, f)
        for lid, f in synthesized.of_type("AWS::Lambda::Function").items()
        if f["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == "application_retention"
    ]
    return logical_id, fn["Properties"]


def test_a_daily_schedule_starts_the_retention_job_with_its_tenants(synthesized: Synthesized) -> None:
    function_id, _ = _retention_function(synthesized)
    [schedule] = [
        s["Properties"]
        for s in synthesized.of_type("AWS::Scheduler::Schedule").values()
        if ref_id(s["Properties"]["Target"]["Arn"]) == function_id
    ]
    assert schedule["ScheduleExpression"] == "cron(0 3 * * ? *)"
    assert schedule["ScheduleExpressionTimezone"] == "Asia/Tokyo"
    target = schedule["Target"]
    assert json.loads(target["Input"]) == {
        "tenant_ids": ["foundation"],
        "scheduled_time": "<aws.scheduler.scheduled-time>",
    }
    assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert ref_id(target["DeadLetterConfig"]["Arn"]) == "RetentionDeadLetters"


def test_the_job_has_its_periods_and_a_dead_letter_queue(synthesized: Synthesized) -> None:
    _, props = _retention_function(synthesized)
    variables = props["Environment"]["Variables"]  # type: ignore[index]
    assert variables["APPLICATION_REMINDER_DAYS"] == "30" and variables["ABANDONED_APPLICATION_DAYS"] == "60"
    assert ref_id(props["DeadLetterConfig"]["TargetArn"]) == "RetentionDeadLetters"  # type: ignore[index]
    assert props["Timeout"] == 900
    alarms = [
        a["Properties"]
        for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()
        if any(ref_id(d["Value"]) == "RetentionDeadLetters" for d in a["Properties"].get("Dimensions", []))
    ]
    assert len(alarms) == 1 and alarms[0]["Threshold"] == 1


def test_production_runs_one_job_at_a_time(other_stages: dict[str, Synthesized]) -> None:
    _, props = _retention_function(other_stages[PRODUCTION])
    assert props["ReservedConcurrentExecutions"] == 1
