"""Builds the retention job's ports from the environment (once per execution environment)."""

from __future__ import annotations

import os
from functools import cache

import boto3

from ahaki.adapters.intake_wiring import intake_ports
from ahaki.adapters.retention_reports import DynamoRetentionReports
from ahaki.adapters.settings import Settings
from ahaki.adapters.wiring import CLIENT_CONFIG
from ahaki.domain.retention import RetentionPolicy
from ahaki.services.application_retention import RetentionPorts

REMINDER_DAYS_ENV = "APPLICATION_REMINDER_DAYS"
ABANDONED_DAYS_ENV = "ABANDONED_APPLICATION_DAYS"


def policy_from_env() -> RetentionPolicy:
    env = os.environ
    default = RetentionPolicy()
    return RetentionPolicy(
        reminder_days=int(env.get(REMINDER_DAYS_ENV, str(default.reminder_days))),
        abandoned_days=int(env.get(ABANDONED_DAYS_ENV, str(default.abandoned_days))),
    )


@cache
def _reports(table: str) -> DynamoRetentionReports:
    return DynamoRetentionReports(boto3.client("dynamodb", config=CLIENT_CONFIG), table)


def retention_ports() -> RetentionPorts:
    return RetentionPorts(
        intake=intake_ports(),
        reports=_reports(Settings.from_env().applications_table),
        policy=policy_from_env(),
    )
