"""cdk-nag v3 wiring and a small helper to acknowledge findings at the narrowest scope.

cdk-nag 3 runs as a CDK policy-validation plugin: any unacknowledged finding makes ``app.synth()``
(and so ``cdk synth``) fail. An acknowledgment is stored on the construct it is given and covers
that construct and its children only, so we always pass the resource (or the small construct
that owns it), never the stack.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, App, Names, Validations
from cdk_nag import AwsSolutionsChecks, NIST80053R5Checks
from constructs import IConstruct

AWS_SOLUTIONS = "AwsSolutions"
NIST = "NIST.800.53.R5"


def add_nag_packs(app: App) -> None:
    Validations.of(app).add_plugins(
        AwsSolutionsChecks(app, verbose=True),
        NIST80053R5Checks(app, verbose=True),
    )


def acknowledge(scope: IConstruct, reason: str, *rule_ids: str) -> None:
    """Acknowledge ``rule_ids`` (e.g. ``AwsSolutions-IAM5[Action::kms:GenerateDataKey*]``) on ``scope``."""
    if not rule_ids:
        raise ValueError("name at least one rule id")
    if len(reason) < 40:
        raise ValueError(f"give a reason specific to this system, not {reason!r}")
    Validations.of(scope).acknowledge(*(Acknowledgment(id=rule_id, reason=reason) for rule_id in rule_ids))


def nested_reference(target: IConstruct, attribute: str) -> str:
    """How cdk-nag names a platform resource's attribute inside a context's nested stack: the
    parameter CDK creates for it (``<referenceto<unique id><Arn|Ref>>``)."""
    resource = target.node.default_child or target
    return f"<referenceto{Names.unique_id(resource)}{attribute}>"
