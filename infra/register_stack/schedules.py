"""What every EventBridge Scheduler job shares: a role only this account's schedules may assume."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from constructs import Construct


def scheduler_role(scope: Construct, description: str) -> iam.Role:
    """The role a schedule in ``scope`` runs as (``SchedulerRole``), trusted by this account's Scheduler only."""
    return iam.Role(
        scope,
        "SchedulerRole",
        assumed_by=iam.ServicePrincipal(
            "scheduler.amazonaws.com",
            conditions={"StringEquals": {"aws:SourceAccount": Stack.of(scope).account}},
        ),
        description=description,
    )
