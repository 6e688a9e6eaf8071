"""Least privilege, read from the synthesized IAM policies (moto does not enforce IAM).

The expected grants are restated here on purpose, independently of
the contexts' declarations (infra/register_stack/contexts/, gathered in
infra/register_stack/access.py): a change to a function's permissions must change both.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from ahaki.http.routes import Function
from ahaki.kernel.specs import (
    APPLICATIONS_TABLE,
    AUDIT_TABLE,
    IDEMPOTENCY_TABLE,
    OUTBOX_TABLE,
    REGISTER_TABLE,
    SYNC_TABLE,
    VAULT_KEY,
    VAULT_TABLE,
)
from tests.infra.template_tools import Synthesized, as_list, ref_id

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

Grant = tuple[str, str, str]  # (effect, action, resource)

REG, VAULT, AUDIT = REGISTER_TABLE.logical_id, VAULT_TABLE.logical_id, AUDIT_TABLE.logical_id
REG_INDEXES = [f"{REG}/index/{i.name}" for i in REGISTER_TABLE.indexes]
AUDIT_INDEXES = [f"{AUDIT}/index/{i.name}" for i in AUDIT_TABLE.indexes]
APPS = APPLICATIONS_TABLE.logical_id
APPS_INDEXES = [f"{APPS}/index/{i.name}" for i in APPLICATIONS_TABLE.indexes]
TRUST_ANCHORS_PARAMETER = "arn:aws:ssm:ap-northeast-1:AWS::AccountId:parameter/FunctionsSignatureTrustAnchorsC433C54D"
BUCKET_OBJECTS = "AttachmentsBucket/*"  # the only wildcard: object keys are per application
TABLE_KEY_WRITE = ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey")
TABLE_KEY_READ = ("kms:Decrypt", "kms:DescribeKey")
AUDIT_FORBIDDEN = (
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
)


def _allow(actions: tuple[str, ...] | list[str], resources: list[str]) -> set[Grant]:
    return {("Allow", a, r) for a in actions for r in resources}


EXPECTED: dict[Function, set[Grant]] = {
    Function.REGISTRY_API: (
        _allow(
            (
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
            ),
            [REG],
        )
        | _allow(("dynamodb:Query",), REG_INDEXES)
        | _allow(
            ("dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:GetItem"),
            [VAULT],
        )
        | _allow(("dynamodb:PutItem", "dynamodb:Query"), [AUDIT])
        | _allow(("dynamodb:PutItem",), [OUTBOX_TABLE.logical_id])
        | _allow(TABLE_KEY_WRITE, ["RegisterKey", "VaultTableKey", "AuditKey"])
        | _allow(("kms:Encrypt",), ["VaultKey"])
        | _allow(("kms:GenerateMac",), ["BlindIndexKey"])
    ),
    Function.MY_NUMBER_REVEAL: (
        _allow(("dynamodb:GetItem",), [REG, VAULT])
        | _allow(("dynamodb:PutItem", "dynamodb:Query"), [AUDIT])
        | _allow(TABLE_KEY_READ, ["RegisterKey", "VaultTableKey"])
        | _allow(TABLE_KEY_WRITE, ["AuditKey"])
        | _allow(("kms:Decrypt",), ["VaultKey"])
    ),
    # Online applications.
    Function.PORTAL_API: (
        _allow(("dynamodb:GetItem", "dynamodb:Query"), [REG])
        | _allow(("dynamodb:Query",), REG_INDEXES)
        | _allow(("dynamodb:PutItem",), [VAULT, OUTBOX_TABLE.logical_id])
        | _allow(("dynamodb:PutItem", "dynamodb:Query"), [AUDIT])
        | _allow(("dynamodb:PutItem", "dynamodb:Query", "dynamodb:GetItem"), [APPS])
        | _allow(("dynamodb:Query",), APPS_INDEXES)
        | _allow(
            ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
            [IDEMPOTENCY_TABLE.logical_id],
        )
        | _allow(TABLE_KEY_WRITE, ["RegisterKey", "VaultTableKey", "AuditKey", "ApplicationsKey"])
        | _allow(("kms:Encrypt",), ["VaultKey"])
        | _allow(("kms:GenerateMac",), ["BlindIndexKey"])
        | _allow(("s3:PutObject",), [BUCKET_OBJECTS])
        | _allow(("kms:GenerateDataKey",), ["ApplicationsKey"])
        # The card's signing CAs, read once per cold start (they would not fit the environment).
        | _allow(("ssm:GetParameter",), [TRUST_ANCHORS_PARAMETER])
    ),
    Function.APPLICATION_REVIEW: (
        _allow(
            (
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
            ),
            [REG],
        )
        | _allow(("dynamodb:Query",), REG_INDEXES)
        | _allow(("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"), [VAULT])
        | _allow(("dynamodb:PutItem", "dynamodb:Query"), [AUDIT])
        | _allow(("dynamodb:PutItem", "dynamodb:Query", "dynamodb:GetItem"), [APPS])
        | _allow(("dynamodb:Query",), APPS_INDEXES)
        | _allow(("dynamodb:PutItem",), [OUTBOX_TABLE.logical_id])
        | _allow(TABLE_KEY_WRITE, ["RegisterKey", "VaultTableKey", "AuditKey", "ApplicationsKey"])
        # An attachment's bytes, and the versioned GET its download link makes as this role; the
        # current version's malware-scan tag, which names that version (ADR 0290).
        | _allow(("s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"), [BUCKET_OBJECTS])
    ),
    Function.ATTACHMENT_RECEIVED: (
        _allow(("dynamodb:PutItem", "dynamodb:Query"), [AUDIT])
        | _allow(("dynamodb:PutItem",), [OUTBOX_TABLE.logical_id])
        | _allow(("dynamodb:GetItem", "dynamodb:PutItem"), [APPS])
        | _allow(TABLE_KEY_WRITE, ["AuditKey", "RegisterKey", "ApplicationsKey"])
        | _allow(("s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion"), [BUCKET_OBJECTS])
    ),
}

# The resident-register sync.
SYNC = SYNC_TABLE.logical_id
SYNC_INDEXES = [f"{SYNC}/index/{i.name}" for i in SYNC_TABLE.indexes]
QUEUE, EXCHANGE_KEY, BUCKET = "SyncQueue", "ExchangeKey", "JlisExchangeBucket"
# The resident-register functions count a caller's look-ups on the audit's by_actor index.
_AUDIT = _allow(("dynamodb:PutItem", "dynamodb:Query"), [AUDIT]) | _allow(("dynamodb:Query",), AUDIT_INDEXES)
_CHANGE = _allow(("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"), [REG]) | _allow(
    ("dynamodb:Query",), REG_INDEXES
)
_SEND = _allow(("sqs:SendMessage",), [QUEUE]) | _allow(("kms:GenerateDataKey", "kms:Decrypt"), [EXCHANGE_KEY])
# The daily retention job; its attachment versions and dead-letter queue (contexts/intake_retention.py).
EXPECTED[Function.APPLICATION_RETENTION] = (
    _allow(("dynamodb:Scan", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"), [APPS])
    | _allow(("dynamodb:GetItem", "dynamodb:DeleteItem"), [VAULT])
    | _allow(("dynamodb:PutItem", "dynamodb:Query"), [AUDIT])
    | _allow(("dynamodb:PutItem",), [OUTBOX_TABLE.logical_id])
    | _allow(TABLE_KEY_WRITE, ["VaultTableKey", "AuditKey", "RegisterKey", "ApplicationsKey"])
    | _allow(("s3:DeleteObjectVersion",), [BUCKET_OBJECTS])
    | {("Allow", "s3:ListBucketVersions", "AttachmentsBucket"), ("Allow", "sqs:SendMessage", "RetentionDeadLetters")}
    | _allow(("kms:GenerateDataKey", "kms:Decrypt"), ["MessagingMessagingKey0003BAC4"])
)
EXPECTED.update(
    {
        Function.RESIDENT_LOOKUP: (
            _allow(("dynamodb:GetItem",), [REG, VAULT])
            | _AUDIT
            | _allow(("dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:GetItem"), [SYNC])
            | _allow(("s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"), [f"{BUCKET}/outbound/*"])
            | _allow(("s3:GetObject",), [f"{BUCKET}/inbound/*"])
            | _allow(("kms:GenerateDataKey", "kms:Decrypt"), [EXCHANGE_KEY])
            | _allow(TABLE_KEY_READ, ["VaultTableKey"])
            | _allow(TABLE_KEY_WRITE, ["AuditKey", "RegisterKey"])
            | _allow(("kms:Decrypt",), ["VaultKey"])
        ),
        Function.SYNC_API: (
            _CHANGE
            | _allow(("dynamodb:GetItem", "dynamodb:DeleteItem"), [VAULT])
            | _AUDIT
            | _allow(("dynamodb:PutItem",), [OUTBOX_TABLE.logical_id])
            | _allow(("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"), [SYNC])
            | _allow(("dynamodb:Query",), SYNC_INDEXES)
            | _allow(TABLE_KEY_WRITE, ["RegisterKey", "VaultTableKey", "AuditKey"])
            # and lambda:InvokeFunction on the planner (added in the test: its logical id is generated)
        ),
        Function.SYNC_PLANNER: (
            _allow(("dynamodb:Query",), [REG, *REG_INDEXES])
            | _AUDIT
            | _allow(("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"), [SYNC])
            | _allow(TABLE_KEY_WRITE, ["RegisterKey", "AuditKey"])
            | _SEND
            | _allow(("sqs:SendMessage",), ["PlannerFailures"])  # its failed asynchronous invocations
        ),
        Function.SYNC_WORKER: (
            _CHANGE
            | _allow(("dynamodb:GetItem",), [VAULT])
            | _AUDIT
            | _allow(("dynamodb:PutItem",), [OUTBOX_TABLE.logical_id])
            | _allow(
                (
                    "dynamodb:GetItem",
                    "dynamodb:Query",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                ),
                [SYNC],
            )
            | _allow(TABLE_KEY_WRITE, ["RegisterKey", "AuditKey"])
            | _allow(TABLE_KEY_READ, ["VaultTableKey"])
            | _allow(("kms:Decrypt",), ["VaultKey"])
            | _allow(
                ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"),
                [QUEUE],
            )
            | _allow(("s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"), [f"{BUCKET}/outbound/*"])
            | _allow(("s3:GetObject",), [f"{BUCKET}/inbound/*"])
            | _allow(("kms:GenerateDataKey", "kms:Decrypt"), [EXCHANGE_KEY])
        ),
    }
)
# Who may open a My Number: the reveal, the on-demand look-up and the worker that builds request
# files for registrants whose resident code is not yet known (docs/adr/0035-who-may-open-a-my-number.md).
DECRYPTERS = {Function.MY_NUMBER_REVEAL, Function.RESIDENT_LOOKUP, Function.SYNC_WORKER}
VAULT_KEY_USERS = DECRYPTERS | {Function.REGISTRY_API, Function.PORTAL_API}  # PORTAL_API: Encrypt only


# Notifications. Messaging resources have CDK-generated logical ids (stable for their construct paths).
MSG_KEY, BUS, TOPIC = "MessagingMessagingKey0003BAC4", "MessagingEventBus410FA98D", "MessagingStaffAlertsTopic9F0DD43F"
NOTIFIER_Q, NOTIFIER_DLQ = "MessagingNotifierQueue0D79632A", "MessagingNotifierQueueDlqCEFB6F71"
FANOUT_Q, RELAY_DLQ = "MessagingNoticeFanoutQueueC810B4CD", "MessagingOutboxRelayDlqB56D59EC"
SES_IDENTITY = "arn:aws:ses:ap-northeast-1:AWS::AccountId:identity/dev.register.ahaki.example.jp"  # per stage
SQS_CONSUME = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes")
MSG_KEY_SEND = _allow(("kms:Decrypt", "kms:GenerateDataKey"), [MSG_KEY])
# Its failed asynchronous invocations (after Lambda's retries) go to the alarmed bus DLQ.
EXPECTED[Function.ATTACHMENT_RECEIVED] |= _allow(("sqs:SendMessage",), ["MessagingEventBusDlq91E58081"]) | MSG_KEY_SEND
AUDIT_APPEND = _allow(("dynamodb:PutItem", "dynamodb:Query"), [AUDIT])
EXPECTED |= {
    Function.PORTAL_NOTIFICATIONS: (
        _allow(("dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"), ["InboxTable"])
        | _allow(("dynamodb:GetItem", "dynamodb:PutItem"), ["ContactTable"])  # the caller's preferences
        | _allow(("dynamodb:Query",), REG_INDEXES)  # the caller's id by portal pseudonym
        | AUDIT_APPEND
        | _allow(TABLE_KEY_WRITE, ["RegisterKey", "AuditKey"])
    ),
    Function.STAFF_NOTICES: (
        _allow(("dynamodb:GetItem",), [REG])
        | _allow(("dynamodb:PutItem",), ["NoticeTable", OUTBOX_TABLE.logical_id])
        | AUDIT_APPEND
        | _allow(TABLE_KEY_WRITE, ["RegisterKey", "AuditKey"])
    ),
    Function.OUTBOX_RELAY: (
        # The stream (Fn::GetAtt OutboxTable.StreamArn) only: never the table's items.
        _allow(
            ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"),
            ["OutboxTable"],
        )
        | _allow(TABLE_KEY_READ, ["RegisterKey"])
        | _allow(("events:PutEvents",), [BUS])
        | _allow(("sqs:SendMessage",), [RELAY_DLQ])
        | MSG_KEY_SEND
    ),
    Function.NOTIFIER: (
        _allow(("dynamodb:GetItem", "dynamodb:Query"), [REG])
        | _allow(("dynamodb:Query",), REG_INDEXES)
        | AUDIT_APPEND
        | _allow(("dynamodb:PutItem", "dynamodb:UpdateItem"), ["DeliveryTable"])
        | _allow(("dynamodb:PutItem",), ["InboxTable"])
        | _allow(("dynamodb:GetItem",), ["ContactTable", "NoticeTable"])
        | _allow(TABLE_KEY_WRITE, ["RegisterKey", "AuditKey"])
        | _allow(SQS_CONSUME, [NOTIFIER_Q])
        | _allow(("sqs:SendMessage",), [NOTIFIER_DLQ])
        | _allow(("sns:Publish",), [TOPIC])
        | _allow(("ses:SendEmail",), [SES_IDENTITY])
        | MSG_KEY_SEND
    ),
    Function.NOTICE_FANOUT: (
        _allow(("dynamodb:Query",), REG_INDEXES)
        | _allow(TABLE_KEY_READ, ["RegisterKey"])
        | _allow((*SQS_CONSUME, "sqs:SendMessage"), [FANOUT_Q])
        | _allow(("sqs:SendMessage",), [NOTIFIER_Q])
        | MSG_KEY_SEND
    ),
}


def _statements_by_role(synthesized: Synthesized) -> dict[str, list[dict[str, Any]]]:
    """Every statement that applies to each role: inline, AWS::IAM::Policy and managed policies."""
    by_role: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for role_id, role in synthesized.of_type("AWS::IAM::Role").items():
        by_role[role_id]
        for policy in role["Properties"].get("Policies", []):
            by_role[role_id] += as_list(policy["PolicyDocument"]["Statement"])
    for policy_type in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        for policy in synthesized.of_type(policy_type).values():
            props = policy["Properties"]
            for role in props.get("Roles", []):
                by_role[ref_id(role)] += as_list(props["PolicyDocument"]["Statement"])
    return by_role


def _grants(statements: list[dict[str, Any]]) -> set[Grant]:
    return {
        (s["Effect"], action, ref_id(resource))
        for s in statements
        for action in as_list(s["Action"])
        for resource in as_list(s["Resource"])
    }


def _role_of(synthesized: Synthesized) -> dict[Function, str]:
    roles = {}
    for fn in synthesized.of_type("AWS::Lambda::Function").values():
        name = fn["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
        roles[Function(name)] = ref_id(fn["Properties"]["Role"])
    assert set(roles) == set(Function)
    return roles


def _log_group_of(synthesized: Synthesized, function: Function) -> str:
    for fn in synthesized.of_type("AWS::Lambda::Function").values():
        if fn["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == function.value:
            return ref_id(fn["Properties"]["LoggingConfig"]["LogGroup"])
    raise AssertionError(function)


@pytest.mark.parametrize("function", list(Function), ids=str)
def test_function_role_allows_exactly_the_intended_actions(synthesized: Synthesized, function: Function) -> None:
    role = _role_of(synthesized)[function]
    allowed = {g for g in _grants(_statements_by_role(synthesized)[role]) if g[0] == "Allow"}
    logs = _allow(("logs:CreateLogStream", "logs:PutLogEvents"), [_log_group_of(synthesized, function)])
    planner = _allow(("lambda:InvokeFunction",), [_function_id(synthesized, Function.SYNC_PLANNER)])
    assert allowed == EXPECTED[function] | logs | (planner if function is Function.SYNC_API else set())


def _function_id(synthesized: Synthesized, function: Function) -> str:
    [found] = [
        fn_id
        for fn_id, fn in synthesized.of_type("AWS::Lambda::Function").items()
        if fn["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == function.value
    ]
    return found


def test_no_wildcards_in_function_policies(synthesized: Synthesized) -> None:
    statements = _statements_by_role(synthesized)
    for function, role in _role_of(synthesized).items():
        for _effect, action, resource in _grants(statements[role]):
            assert "*" not in action, (function, action)
            # S3 object keys are made at run time: the attachments bucket's objects, or the exchange
            # bucket's two prefixes.
            prefixes = ("/outbound/*", "/inbound/*")
            assert (
                "*" not in resource
                or resource == BUCKET_OBJECTS
                or (resource.startswith(BUCKET) and resource.endswith(prefixes))
            ), (function, resource)


def test_table_keys_are_usable_only_through_dynamodb(synthesized: Synthesized) -> None:
    statements = _statements_by_role(synthesized)
    for role in _role_of(synthesized).values():
        for s in statements[role]:
            if ref_id(s["Resource"]) in {"RegisterKey", "VaultTableKey", "AuditKey"}:
                assert s["Condition"]["StringEquals"]["kms:ViaService"].startswith("dynamodb."), s


def test_vault_key_use_requires_an_encryption_context(synthesized: Synthesized) -> None:
    statements = _statements_by_role(synthesized)
    for role in _role_of(synthesized).values():
        for s in statements[role]:
            if ref_id(s["Resource"]) == VAULT_KEY.logical_id:
                assert s["Condition"] == {"Null": {"kms:EncryptionContextKeys": "false"}}


def _touches_audit(resource: str) -> bool:
    return resource in {"*", AUDIT} or resource.startswith(f"{AUDIT}/")


def _covers(pattern: str, action: str) -> bool:
    if pattern == "*" or pattern == action:
        return True
    return pattern.endswith("*") and action.startswith(pattern[:-1])


def test_no_role_may_change_or_delete_audit_records(synthesized: Synthesized) -> None:
    for role, statements in _statements_by_role(synthesized).items():
        for effect, action, resource in _grants(statements):
            if effect == "Allow" and _touches_audit(resource):
                assert not any(_covers(action, forbidden) for forbidden in AUDIT_FORBIDDEN), (role, action)


def test_every_function_role_explicitly_denies_audit_changes(synthesized: Synthesized) -> None:
    statements = _statements_by_role(synthesized)
    for function, role in _role_of(synthesized).items():
        denied = {(a, r) for e, a, r in _grants(statements[role]) if e == "Deny"}
        assert {(a, AUDIT) for a in AUDIT_FORBIDDEN} <= denied, function


def _users_of(synthesized: Synthesized, key_id: str) -> dict[str, set[str]]:
    users: dict[str, set[str]] = defaultdict(set)
    for role, statements in _statements_by_role(synthesized).items():
        for effect, action, resource in _grants(statements):
            if effect == "Allow" and resource in {key_id, "*"} and action.startswith(("kms:", "*")):
                users[role].add(action)
    return users


def test_only_the_two_functions_may_use_the_vault_and_blind_index_keys(synthesized: Synthesized) -> None:
    roles = _role_of(synthesized)
    allowed_roles = {roles[f] for f in VAULT_KEY_USERS}
    assert set(_users_of(synthesized, "VaultKey")) <= allowed_roles
    assert set(_users_of(synthesized, "BlindIndexKey")) <= {roles[Function.REGISTRY_API], roles[Function.PORTAL_API]}


def test_only_my_number_reveal_may_decrypt_with_the_vault_key(synthesized: Synthesized) -> None:
    users = _users_of(synthesized, "VaultKey")
    decrypters = {role for role, actions in users.items() if any(_covers(a, "kms:Decrypt") for a in actions)}
    assert decrypters == {_role_of(synthesized)[f] for f in DECRYPTERS}
    assert users[_role_of(synthesized)[Function.REGISTRY_API]] == {"kms:Encrypt"}
    assert users[_role_of(synthesized)[Function.PORTAL_API]] == {"kms:Encrypt"}


def test_function_roles_have_no_inline_or_aws_managed_policies(synthesized: Synthesized) -> None:
    roles = synthesized.of_type("AWS::IAM::Role")
    for role in _role_of(synthesized).values():
        assert "Policies" not in roles[role]["Properties"]
        assert "ManagedPolicyArns" not in roles[role]["Properties"]
