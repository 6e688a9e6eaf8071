"""What J-LIS's transfer principal may do: read our request files, write its result files.

The principal (an IAM role of the transfer service, configured per stage) gets exactly the
exchange bucket's two prefixes and, through S3 only, the exchange key's data-key use.
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from ahaki.residents.domain.jlis import INBOUND, OUTBOUND


def grant_jlis_transfer(bucket: s3.Bucket, key: kms.Key, principal_arn: str) -> None:
    principal = iam.ArnPrincipal(principal_arn)
    for sid, action, prefix in (
        ("JlisReadsRequestFiles", "s3:GetObject", OUTBOUND),
        ("JlisWritesResultFiles", "s3:PutObject", INBOUND),
    ):
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid=sid, principals=[principal], actions=[action], resources=[bucket.arn_for_objects(f"{prefix}/*")]
            )
        )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="JlisUsesTheExchangeKeyThroughS3",
            principals=[principal],
            actions=["kms:Decrypt", "kms:GenerateDataKey"],
            resources=["*"],  # in a key policy, "*" is this key
            conditions={"StringEquals": {"kms:ViaService": f"s3.{Stack.of(bucket).region}.amazonaws.com"}},
        )
    )
