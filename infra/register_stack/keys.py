"""Customer-managed KMS keys: one per ``kernel.specs.KEYS`` spec, plus one for CloudWatch Logs."""

from __future__ import annotations

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from ahaki.kernel.specs import KEYS, KeySpec
from infra.register_stack.nag import AWS_SOLUTIONS, NIST, acknowledge

LOGS_KEY_ID = "LogsKey"


class Keys(Construct):
    """``keys[spec.logical_id]`` for every spec; the CloudFormation logical id is the spec's.

    Key policies are CDK's default (the account root may administer and use the key, which only
    delegates to IAM): who may *use* a key is decided by the function roles' identity policies,
    which the infra tests check one by one. No key policy grants use to any other principal,
    except the logs key, which CloudWatch Logs must be allowed to use for our log groups.
    """

    def __init__(self, scope: Construct, construct_id: str, *, stage: str, removal_policy: RemovalPolicy) -> None:
        super().__init__(scope, construct_id)
        self._stage = stage
        self._removal_policy = removal_policy
        self.keys: dict[str, kms.Key] = {spec.logical_id: self._build_key(spec) for spec in KEYS}
        self.logs_key = self._build_logs_key()

    def __getitem__(self, logical_id: str) -> kms.Key:
        return self.keys[logical_id]

    def _build_key(self, spec: KeySpec) -> kms.Key:
        if spec.hmac:
            key = kms.Key(
                self,
                spec.logical_id,
                description=spec.description,
                alias=self._alias(spec.logical_id),
                key_spec=kms.KeySpec.HMAC_256,
                key_usage=kms.KeyUsage.GENERATE_VERIFY_MAC,
                enable_key_rotation=False,
                removal_policy=self._removal_policy,
                pending_window=Duration.days(30),
            )
            acknowledge(
                key,
                "KMS cannot rotate HMAC keys automatically. Rotating the blind-index key would also "
                "invalidate every stored My Number blind index (the uniqueness check of the vault); a "
                "manual re-key with a full re-index is a planned, audited operation instead.",
                f"{AWS_SOLUTIONS}-KMS5",
                f"{NIST}-KMSBackingKeyRotationEnabled",
            )
        else:
            key = kms.Key(
                self,
                spec.logical_id,
                description=spec.description,
                alias=self._alias(spec.logical_id),
                enable_key_rotation=True,
                rotation_period=Duration.days(365),
                removal_policy=self._removal_policy,
                pending_window=Duration.days(30),
            )
        self._pin_logical_id(key, spec.logical_id)
        return key

    def _build_logs_key(self) -> kms.Key:
        key = kms.Key(
            self,
            LOGS_KEY_ID,
            description="Encrypts the register's CloudWatch log groups (functions, API access log)",
            alias=self._alias(LOGS_KEY_ID),
            enable_key_rotation=True,
            rotation_period=Duration.days(365),
            removal_policy=self._removal_policy,
            pending_window=Duration.days(30),
        )
        stack = Stack.of(self)
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchLogsForThisAccountsLogGroups",
                principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
                actions=["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                resources=["*"],  # in a key policy, "*" is this key
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": stack.format_arn(
                            service="logs",
                            resource="log-group",
                            resource_name="*",
                            arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        )
                    }
                },
            )
        )
        self._pin_logical_id(key, LOGS_KEY_ID)
        return key

    def _alias(self, logical_id: str) -> str:
        return f"alias/ahaki/{self._stage}/{logical_id}"

    @staticmethod
    def _pin_logical_id(key: kms.Key, logical_id: str) -> None:
        """Keep the spec's name as the CloudFormation logical id (tests and the sandbox use it)."""
        cfn = key.node.default_child
        assert isinstance(cfn, kms.CfnKey)
        cfn.override_logical_id(logical_id)
