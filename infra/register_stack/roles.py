"""The names function roles are known by in advance.

A role's name is derived from the stage and the function, so that a policy of the platform stack
(the vault key's) can name the role by ARN without a reference into the context's stack: a
reference both ways would be a cycle (the context needs the key, the key's policy would need the
role). The portal integration's role is named the same way, for the functions to recognise it.
"""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from ahaki.http.routes import Function


def role_name(stage: str, function: Function) -> str:
    """``ahaki-<stage>-<function>``: unique per stage in the account (IAM allows 64 characters)."""
    name = f"ahaki-{stage}-{function.value}"
    if len(name) > 64:
        raise ValueError(f"role name {name!r} is longer than IAM's 64 characters: shorten the stage name")
    return name


def role_arn(scope: Construct, stage: str, function: Function) -> str:
    """The function role's ARN, built from its name (no reference to the role itself; path ``/``)."""
    stack = Stack.of(scope)
    return f"arn:{stack.partition}:iam::{stack.account}:role/{role_name(stage, function)}"


def portal_role_name(stage: str) -> str:
    """The portal integration's role has a fixed name, so functions can recognise it without a
    reference (which would make the API, the role and the functions depend on one another)."""
    return f"ahaki-portal-integration-{stage}"


def malware_scan_role_name(stage: str) -> str:
    """The role GuardDuty's malware protection plan scans and tags the attachments with, named per
    stage like the functions' roles: the bucket's policy exempts it, and the README lists it among
    the names a stage needs free in the account."""
    return f"ahaki-{stage}-guardduty-malware-scan"
