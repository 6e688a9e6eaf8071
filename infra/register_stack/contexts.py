"""Which bounded context each function belongs to, and the names its role is known by in advance.

Each context's functions, roles, policies, log groups, mappings, rules and schedules live in a
nested stack of their own (``<Context>Stack``); the platform stack keeps what holds data. A role's
name is derived from the stage and the function, so that a policy of the platform stack (the
vault key's) can name the role by ARN without a reference into the context's stack: a reference
both ways would be a cycle (the context needs the key, the key's policy would need the role).
"""

from __future__ import annotations

from enum import StrEnum

from aws_cdk import Stack
from constructs import Construct

from ahaki.http.routes import Function


class Context(StrEnum):
    REGISTRY = "registry"
    INTAKE = "intake"
    RESIDENTS = "residents"
    NOTIFICATIONS = "notifications"

    @property
    def stack_id(self) -> str:
        return f"{self.value.capitalize()}Stack"


CONTEXT_OF: dict[Function, Context] = {
    Function.REGISTRY_API: Context.REGISTRY,
    Function.MY_NUMBER_REVEAL: Context.REGISTRY,
    Function.PORTAL_API: Context.INTAKE,
    Function.APPLICATION_REVIEW: Context.INTAKE,
    Function.ATTACHMENT_RECEIVED: Context.INTAKE,
    Function.APPLICATION_RETENTION: Context.INTAKE,
    Function.RESIDENT_LOOKUP: Context.RESIDENTS,
    Function.SYNC_API: Context.RESIDENTS,
    Function.SYNC_PLANNER: Context.RESIDENTS,
    Function.SYNC_WORKER: Context.RESIDENTS,
    # The outbox relay feeds the bus whose only consumers are the notification functions.
    Function.OUTBOX_RELAY: Context.NOTIFICATIONS,
    Function.NOTIFIER: Context.NOTIFICATIONS,
    Function.NOTICE_FANOUT: Context.NOTIFICATIONS,
    Function.PORTAL_NOTIFICATIONS: Context.NOTIFICATIONS,
    Function.STAFF_NOTICES: Context.NOTIFICATIONS,
}

ROLE_PATH = "/"  # the role ARN is then arn:<partition>:iam::<account>:role/<name>


def role_name(stage: str, function: Function) -> str:
    """``ahaki-<stage>-<function>``: unique per stage in the account (IAM allows 64 characters)."""
    name = f"ahaki-{stage}-{function.value}"
    if len(name) > 64:
        raise ValueError(f"role name {name!r} is longer than IAM's 64 characters: shorten the stage name")
    return name


def role_arn(scope: Construct, stage: str, function: Function) -> str:
    """The function role's ARN, built from its name (no reference to the role itself)."""
    stack = Stack.of(scope)
    return f"arn:{stack.partition}:iam::{stack.account}:role/{role_name(stage, function)}"
