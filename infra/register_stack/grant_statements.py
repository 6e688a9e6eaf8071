"""The IAM statements of a function's declared grants (grants.py's kinds) on the platform's
keys, tables, buckets and messaging. Hand-written: CDK's ``grant*`` helpers add actions
(Scan, BatchGetItem, DescribeTable, ReEncrypt...) that these functions do not need."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.register_stack.grants import TABLE_KEY_READ, TABLE_KEY_WRITE, BucketAccess, FunctionAccess, TableAccess
from infra.register_stack.keys import Keys
from infra.register_stack.messaging import Messaging
from infra.register_stack.nag import AWS_SOLUTIONS, acknowledge, nested_reference
from infra.register_stack.tables import Tables


class GrantStatements:
    def __init__(
        self,
        scope: Construct,
        *,
        keys: Keys,
        tables: Tables,
        messaging: Messaging,
        buckets: Mapping[str, s3.IBucket],
    ) -> None:
        self._scope = scope  # the platform stack's: where the resources' region is read
        self._keys = keys
        self._tables = tables
        self._messaging = messaging
        self._buckets = buckets

    def of(self, access: FunctionAccess, log_group: logs.LogGroup, home: Construct) -> list[iam.PolicyStatement]:
        """One function's policy: its own log group, then each declared grant (a bucket's object
        wildcard is acknowledged on ``home``, where the policy is)."""
        statements = [
            iam.PolicyStatement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        ]
        for table_access in access.tables:
            statements += self._table_statements(table_access)
        statements += self._table_key_statements(access.tables)
        for bucket_access in access.buckets:
            statements += self._bucket_statements(bucket_access, home)
        statements += self._messaging.statements(access.messaging)
        for use in access.keys:
            key = self._keys[use.key.logical_id]
            statements.append(
                iam.PolicyStatement(
                    sid=f"Use{use.key.logical_id}",
                    actions=list(use.actions),
                    resources=[key.key_arn],
                    conditions=self._key_use_conditions(use.key.hmac),
                )
            )
        return statements

    def _table_statements(self, access: TableAccess) -> list[iam.PolicyStatement]:
        table = self._tables[access.table.logical_id]
        statements = []
        if access.actions:
            statements.append(
                iam.PolicyStatement(
                    sid=f"{access.table.logical_id}Items",
                    actions=list(access.actions),
                    resources=[table.table_arn],
                )
            )
        if access.stream_actions:
            statements.append(
                iam.PolicyStatement(
                    sid=f"{access.table.logical_id}Stream",
                    actions=list(access.stream_actions),
                    resources=[str(table.table_stream_arn)],
                )
            )
        if access.index_actions and access.table.indexes:
            statements.append(
                iam.PolicyStatement(
                    sid=f"{access.table.logical_id}Indexes",
                    actions=list(access.index_actions),
                    resources=[f"{table.table_arn}/index/{index.name}" for index in access.table.indexes],
                )
            )
        return statements

    def _table_key_statements(self, accesses: tuple[TableAccess, ...]) -> list[iam.PolicyStatement]:
        writes: dict[str, bool] = {}
        for access in accesses:
            alias = access.table.key_alias
            writes[alias] = writes.get(alias, False) or access.writes
        via_dynamodb = {"StringEquals": {"kms:ViaService": f"dynamodb.{Stack.of(self._scope).region}.amazonaws.com"}}
        statements = []
        for alias, write in writes.items():
            key: kms.Key = self._keys[alias]
            statements.append(
                iam.PolicyStatement(
                    sid=f"{alias}ViaDynamoDB",
                    actions=list(TABLE_KEY_WRITE if write else TABLE_KEY_READ),
                    resources=[key.key_arn],
                    conditions=via_dynamodb,
                )
            )
        return statements

    def _bucket_statements(self, access: BucketAccess, home: Construct) -> list[iam.PolicyStatement]:
        bucket = self._buckets[access.bucket.logical_id]
        statements = [
            iam.PolicyStatement(
                sid=f"{access.bucket.logical_id}Objects",
                actions=list(access.actions),
                resources=[bucket.arn_for_objects("*")],
            )
        ]
        acknowledge(
            home,
            "Attachment object keys are <tenant>/<application id>/<type>, created per application: the "
            "object ARN must end in a wildcard; the actions are only the object-level ones the function needs.",
            f"{AWS_SOLUTIONS}-IAM5[Resource::{nested_reference(bucket, 'Arn')}/*]",
        )
        if access.key_actions:
            via_s3 = {"StringEquals": {"kms:ViaService": f"s3.{Stack.of(self._scope).region}.amazonaws.com"}}
            statements.append(
                iam.PolicyStatement(
                    sid=f"{access.bucket.key_alias}ViaS3",
                    actions=list(access.key_actions),
                    resources=[self._keys[access.bucket.key_alias].key_arn],
                    conditions=via_s3,
                )
            )
        return statements

    @staticmethod
    def _key_use_conditions(hmac: bool) -> dict[str, object] | None:
        if hmac:
            return None
        # The vault binds every ciphertext to its qualification_pseudonym_id with an encryption
        # context; a call without any context is a bug (or an attack) and is refused by IAM.
        return {"Null": {"kms:EncryptionContextKeys": "false"}}
