"""The AWS calls a function's code can make, found in the code itself.

In the code a function can run (``code_reads.live_code``: its handler and what it reaches), each
call of a boto3 client method is an IAM action (``put_item`` → ``dynamodb:PutItem``; a
transaction's ``{"Put": …}`` items → ``dynamodb:PutItem``; ``delete_object`` with a ``VersionId``
→ ``s3:DeleteObjectVersion``; a presigned ``get_object`` whose ``Params`` name a ``VersionId`` →
``s3:GetObjectVersion`` too; ``get_object_tagging`` likewise), and each string constant is a
name the code may use (an index).
Generous like ``live_code``: a method of ours with a client's name (``query``, ``publish``) counts
as the call, so a grant is never reported unused when some code may use it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from tests.infra.contract.code_reads import live_code

# boto3 client method -> the IAM actions it needs.
METHOD_ACTIONS: dict[str, tuple[str, ...]] = {
    "get_item": ("dynamodb:GetItem",),
    "put_item": ("dynamodb:PutItem",),
    "update_item": ("dynamodb:UpdateItem",),
    "delete_item": ("dynamodb:DeleteItem",),
    "query": ("dynamodb:Query",),
    "scan": ("dynamodb:Scan",),
    "batch_get_item": ("dynamodb:BatchGetItem",),
    "batch_write_item": ("dynamodb:BatchWriteItem",),
    "encrypt": ("kms:Encrypt",),
    "decrypt": ("kms:Decrypt",),
    "generate_mac": ("kms:GenerateMac",),
    "verify_mac": ("kms:VerifyMac",),
    "generate_data_key": ("kms:GenerateDataKey",),
    "send_message": ("sqs:SendMessage",),
    "send_message_batch": ("sqs:SendMessage",),
    "receive_message": ("sqs:ReceiveMessage",),
    "delete_message": ("sqs:DeleteMessage",),
    "delete_message_batch": ("sqs:DeleteMessage",),
    "change_message_visibility": ("sqs:ChangeMessageVisibility",),
    "put_events": ("events:PutEvents",),
    "publish": ("sns:Publish",),
    "send_email": ("ses:SendEmail",),
    "send_raw_email": ("ses:SendRawEmail",),
    "invoke": ("lambda:InvokeFunction",),
    "get_parameter": ("ssm:GetParameter",),
    "put_object": ("s3:PutObject",),
    "get_object": ("s3:GetObject",),
    "head_object": ("s3:GetObject",),
    "create_multipart_upload": ("s3:PutObject",),
    "upload_part": ("s3:PutObject",),
    "complete_multipart_upload": ("s3:PutObject",),
    "abort_multipart_upload": ("s3:AbortMultipartUpload",),
}
# S3 calls whose action names the version when the call does (no VersionId, VersionId).
VERSIONED_ACTIONS: dict[str, tuple[str, str]] = {
    "delete_object": ("s3:DeleteObject", "s3:DeleteObjectVersion"),
    "get_object_tagging": ("s3:GetObjectTagging", "s3:GetObjectVersionTagging"),
}
# Items of a TransactWriteItems request, built as dict literals.
TRANSACT_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}


@dataclass(frozen=True)
class Calls:
    actions: frozenset[str]
    strings: frozenset[str]  # every string constant of the live code


def _string_argument(call: ast.Call) -> str | None:
    first = call.args[0] if call.args else None
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def _names_a_version(call: ast.Call) -> bool:
    """Whether a dict literal in the call's ``Params`` has a ``VersionId`` key (a versioned GET)."""
    params = [k.value for k in call.keywords if k.arg == "Params"]
    return any(
        isinstance(n, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "VersionId" for k in n.keys)
        for value in params
        for n in ast.walk(value)
    )


def _actions_of(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Dict):
        keys = {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
        return {TRANSACT_ACTIONS[k] for k in keys & set(TRANSACT_ACTIONS)}
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return set()
    method = node.func.attr
    if method in VERSIONED_ACTIONS:
        versioned = any(keyword.arg == "VersionId" for keyword in node.keywords)
        return {VERSIONED_ACTIONS[method][versioned]}
    if method in {"generate_presigned_url", "get_paginator"}:
        # A presigned request is authorized as the signer: the action of the method it signs.
        signed = _string_argument(node) or ""
        named = {"list_object_versions": ("s3:ListBucketVersions",), **METHOD_ACTIONS}.get(signed)
        if signed == "get_object" and _names_a_version(node):
            return {*(named or ()), "s3:GetObjectVersion"}
        return set(named or ())
    return set(METHOD_ACTIONS.get(method, ()))


def calls_of_function(function: str) -> Calls:
    actions: set[str] = set()
    strings: set[str] = set()
    for _, nodes in live_code(function):
        for node in (n for top in nodes for n in ast.walk(top)):
            actions |= _actions_of(node)
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
    return Calls(frozenset(actions), frozenset(strings))
