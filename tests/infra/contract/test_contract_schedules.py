"""Contract: every scheduled job exists, invokes its function with a role allowed to, and passes the
input its handler reads."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from ahaki.http.routes import Function
from ahaki.kernel.qualification import Qualification
from tests.infra.contract.assembly import Assembly, Resource

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _planner_input(data: dict[str, Any]) -> list[str]:
    """What functions/sync_planner reads: tenant, qualification, and the firing's time (the run id)."""
    problems = []
    if not isinstance(data.get("tenant_id"), str) or not data["tenant_id"]:
        problems.append("tenant_id")
    if data.get("qualification") not in {q.value for q in Qualification}:
        problems.append("qualification")
    if data.get("scheduled_time") != "<aws.scheduler.scheduled-time>":
        problems.append("scheduled_time (retries of one firing must resume one run)")
    return problems


def _retention_input(data: dict[str, Any]) -> list[str]:
    """What functions/application_retention reads: the tenants to report on and the firing's time."""
    problems = []
    tenants = data.get("tenant_ids")
    if not isinstance(tenants, list) or not tenants or not all(isinstance(t, str) and t for t in tenants):
        problems.append("tenant_ids")
    if data.get("scheduled_time") != "<aws.scheduler.scheduled-time>":
        problems.append("scheduled_time (retries of one firing must complete one day's report)")
    return problems


# Each scheduled job: its function and the check of the input its handler reads. A schedule for a
# function not listed here fails the suite: add the job and its input check.
SCHEDULED_JOBS: dict[Function, Callable[[dict[str, Any]], list[str]]] = {
    Function.SYNC_PLANNER: _planner_input,
    Function.APPLICATION_RETENTION: _retention_input,
}


def schedules_of(assembly: Assembly) -> dict[str, list[Resource]]:
    found: dict[str, list[Resource]] = {}
    for schedule in assembly.of_type("AWS::Scheduler::Schedule"):
        target = assembly.ref(schedule.stack, schedule.properties["Target"]["Arn"], "AWS::Lambda::Function")
        name = "?" if target is None else str(assembly.environment(target).get("POWERTOOLS_SERVICE_NAME"))
        found.setdefault(name, []).append(schedule)
    return found


def schedule_problems(assembly: Assembly, function: Function, schedule: Resource) -> list[str]:
    target = schedule.properties["Target"]
    problems = []
    role = assembly.ref(schedule.stack, target.get("RoleArn"), "AWS::IAM::Role")
    fn = assembly.functions()[function.value]
    may_invoke = role is not None and any(
        "lambda:InvokeFunction" in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
        and any(r.key == fn.key for r in assembly.refs(stack, s.get("Resource")))
        for stack, s in _statements_of_role(assembly, role)
    )
    if not may_invoke:
        problems.append("its role may not invoke the function")
    try:
        data = json.loads(target.get("Input", "null"))
    except json.JSONDecodeError:
        return [*problems, "input is not JSON"]
    if not isinstance(data, dict):
        return [*problems, "no input"]
    problems += [f"input: {p}" for p in SCHEDULED_JOBS[function](data)]
    if not schedule.properties.get("ScheduleExpression"):
        problems.append("no schedule expression")
    return problems


def _statements_of_role(assembly: Assembly, role: Resource) -> list[tuple[str, dict[str, Any]]]:
    found = [(role.stack, s) for p in role.properties.get("Policies", []) for s in p["PolicyDocument"]["Statement"]]
    for policy in assembly.of_type("AWS::IAM::ManagedPolicy") + assembly.of_type("AWS::IAM::Policy"):
        if any(r.key == role.key for r in assembly.refs(policy.stack, policy.properties.get("Roles", []))):
            found += [(policy.stack, s) for s in policy.properties["PolicyDocument"]["Statement"]]
    return [(stack, s) for stack, s in found if s.get("Effect") == "Allow"]


def test_every_schedule_is_a_listed_job(assembly: Assembly) -> None:
    assert set(schedules_of(assembly)) <= {f.value for f in SCHEDULED_JOBS}


@pytest.mark.parametrize("function", list(SCHEDULED_JOBS), ids=str)
def test_every_scheduled_job_exists_with_its_target_and_input(assembly: Assembly, function: Function) -> None:
    schedules = schedules_of(assembly).get(function.value, [])
    assert schedules, f"no schedule invokes {function.value}"
    for schedule in schedules:
        assert schedule_problems(assembly, function, schedule) == []


def test_an_input_without_the_firing_time_is_reported(assembly: Assembly) -> None:
    [schedule] = schedules_of(assembly)[Function.SYNC_PLANNER.value]
    saved = schedule.properties["Target"]["Input"]
    schedule.properties["Target"]["Input"] = json.dumps({"tenant_id": "foundation", "qualification": "x"})
    try:
        assert [p.split(" ")[1] for p in schedule_problems(assembly, Function.SYNC_PLANNER, schedule)] == [
            "qualification",
            "scheduled_time",
        ]
    finally:
        schedule.properties["Target"]["Input"] = saved
