"""DynamoDB tables built from ``kernel.specs.TABLES``: the specs are the only place a key or index is named."""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from ahaki.kernel.specs import TABLES, Index, TableSpec, attribute_type
from infra.register_stack.keys import Keys
from infra.register_stack.nag import NIST, acknowledge
from infra.register_stack.settings import Settings

_PROJECTIONS = {
    "ALL": dynamodb.ProjectionType.ALL,
    "KEYS_ONLY": dynamodb.ProjectionType.KEYS_ONLY,
}


class Tables(Construct):
    """``tables[spec.logical_id]``; each table's CloudFormation logical id is the spec's."""

    def __init__(self, scope: Construct, construct_id: str, *, keys: Keys, settings: Settings) -> None:
        super().__init__(scope, construct_id)
        self._keys = keys
        self._settings = settings
        self.specs: dict[str, TableSpec] = {spec.logical_id: spec for spec in TABLES}
        self.tables: dict[str, dynamodb.Table] = {spec.logical_id: self._build_table(spec) for spec in TABLES}

    def __getitem__(self, logical_id: str) -> dynamodb.Table:
        return self.tables[logical_id]

    def _build_table(self, spec: TableSpec) -> dynamodb.Table:
        table = dynamodb.Table(
            self,
            spec.logical_id,
            partition_key=self._attribute(spec, spec.partition_key),
            sort_key=self._attribute(spec, spec.sort_key) if spec.sort_key else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self._keys[spec.key_alias],
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True, recovery_period_in_days=35
            ),
            deletion_protection=self._settings.retains_data,
            removal_policy=self._settings.removal_policy,
            stream=dynamodb.StreamViewType.NEW_IMAGE if spec.stream else None,
            time_to_live_attribute=spec.ttl_attribute,
        )
        for index in spec.indexes:
            self._build_index(table, spec, index)
        cfn = table.node.default_child
        assert isinstance(cfn, dynamodb.CfnTable)
        cfn.override_logical_id(spec.logical_id)
        acknowledge(
            table,
            "Protected by 35-day point-in-time recovery, deletion protection and a RETAIN policy. "
            "An AWS Backup plan with copies to the ministry's separate backup account is a roadmap "
            "item that needs that account (and its vault key) to exist first.",
            f"{NIST}-DynamoDBInBackupPlan",
        )
        return table

    def _build_index(self, table: dynamodb.Table, spec: TableSpec, index: Index) -> None:
        table.add_global_secondary_index(
            index_name=index.name,
            partition_key=self._attribute(spec, index.partition_key),
            sort_key=self._attribute(spec, index.sort_key) if index.sort_key else None,
            projection_type=_PROJECTIONS[index.projection],
        )

    @staticmethod
    def _attribute(spec: TableSpec, name: str) -> dynamodb.Attribute:
        kind = dynamodb.AttributeType.NUMBER if attribute_type(spec, name) == "N" else dynamodb.AttributeType.STRING
        return dynamodb.Attribute(name=name, type=kind)
