"""Monitoring (cdk-monitoring-constructs): every function, table, queue and the API has alarms to
the staff topic, and there are dashboards to look at when one fires."""

from __future__ import annotations

from typing import Any

import pytest

from ahaki.http.routes import Function
from ahaki.kernel.specs import TABLES
from tests.infra.template_tools import Synthesized, ref_id

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _alarms(synthesized: Synthesized) -> list[dict[str, Any]]:
    return [a["Properties"] for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()]


def _on(alarm: dict[str, Any], dimension: str) -> list[str]:
    """The resources an alarm watches, as readable ids (plain metrics and metric maths alike)."""
    metrics = [alarm] + [m.get("MetricStat", {}).get("Metric", {}) for m in alarm.get("Metrics", [])]
    return [ref_id(d["Value"]) for m in metrics for d in m.get("Dimensions", []) if d["Name"] == dimension]


def test_every_alarm_pages_the_staff_topic(synthesized: Synthesized) -> None:
    [topic] = synthesized.of_type("AWS::SNS::Topic")
    alarms = _alarms(synthesized)
    assert len(alarms) > 3 * len(Function)
    for alarm in alarms:
        assert [ref_id(action) for action in alarm["AlarmActions"]] == [topic]


@pytest.mark.parametrize("function", list(Function))
def test_each_function_alarms_on_faults_and_throttles(synthesized: Synthesized, function: Function) -> None:
    prefix = "Functions" + function.value.title().replace("_", "")
    watched = [a for a in _alarms(synthesized) if any(r.startswith(prefix) for r in _on(a, "FunctionName"))]
    names = " ".join(a.get("AlarmName", "") for a in watched)
    assert "Fault" in names and "Throttle" in names


def test_each_table_alarms_on_throttles_and_system_errors(synthesized: Synthesized) -> None:
    for spec in TABLES:
        watched = [a for a in _alarms(synthesized) if any(spec.logical_id in r for r in _on(a, "TableName"))]
        names = " ".join(a.get("AlarmName", "") for a in watched)
        assert "Throttle" in names and "Error" in names, spec.logical_id


def test_the_api_and_the_relay_have_their_alarms_and_there_are_dashboards(synthesized: Synthesized) -> None:
    names = " ".join(a.get("AlarmName", "") for a in _alarms(synthesized))
    assert "Api" in names and "Latency" in names and "IteratorAge" in names.replace("-", "")
    assert len(synthesized.of_type("AWS::CloudWatch::Dashboard")) >= 2
