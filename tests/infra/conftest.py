"""Syntheses of the real CDK app, shared by every infra test (session scope).

The fixtures synthesize with the cdk-nag packs attached exactly as ``cdk synth`` does, so an
unacknowledged finding fails the fixture and with it the whole infra suite. ``synthesized`` is
the stage of cdk.json (dev); ``other_stages`` holds a second dev stage and production, built in
one app (one synthesis) as they would be deployed into the same account.
"""

from __future__ import annotations

import pytest
from aws_cdk import App, assertions

from infra.register_stack.app_builder import build_app, cdk_json_context
from infra.register_stack.nag import add_nag_packs
from infra.register_stack.settings import Settings
from infra.register_stack.stack import RegisterStack
from tests.infra.template_tools import Synthesized, flattened

SECOND_DEV_STAGE = "dev2"
PRODUCTION = "prod"
# Two CA certificates' worth of PEM (about 3.6 KB): only its size and its place matter here.
_FAKE_CA = "-----BEGIN CERTIFICATE-----\n" + ("A" * 64 + "\n") * 28 + "-----END CERTIFICATE-----\n"
TRUST_ANCHORS_PEM = _FAKE_CA * 2
ALERT_EMAIL = "register-oncall@example.jp"
JLIS_PRINCIPAL = "arn:aws:iam::111122223333:role/jlis-transfer"
PORTAL_PRINCIPAL = "arn:aws:iam::444455556666:role/portal-integration"
STAFF_ORIGINS = ["https://staff.register.example.jp"]
UPLOAD_ORIGINS = ["https://portal.example.jp"]
SANDBOX_RECIPIENTS = ["tester@example.jp"]


def _context() -> dict[str, object]:
    # Asset staging (copying ~35 MB of layer into the assembly) is skipped: the template and the
    # asset hashes are the same, synthesis is faster.
    return {**cdk_json_context(), "aws:cdk:disable-asset-staging": True}


def _other_stages_context() -> dict[str, object]:
    """What an operator would configure: the account-specific values of a deployment."""
    context = _context()
    stages = dict(context["ahaki:stages"])  # type: ignore[call-overload]
    stages[SECOND_DEV_STAGE] = {"sesSandboxRecipients": SANDBOX_RECIPIENTS}
    stages[PRODUCTION] = {
        **stages[PRODUCTION],
        "alertEmail": ALERT_EMAIL,
        "jlisPrincipalArn": JLIS_PRINCIPAL,
        "portalPrincipalArn": PORTAL_PRINCIPAL,
        "staffOrigins": STAFF_ORIGINS,
        "uploadOrigins": UPLOAD_ORIGINS,
        "signatureTrustAnchorsPem": TRUST_ANCHORS_PEM,
    }
    return {**context, "ahaki:stages": stages}


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    outdir = tmp_path_factory.mktemp("cdk.out")
    app = build_app(_context(), outdir=str(outdir))
    assembly = app.synth()  # raises on any unacknowledged cdk-nag finding
    stack_id = Settings.from_context(app.node).stack_id
    template = flattened(assembly.get_stack_artifact(stack_id).template, outdir)
    return Synthesized(template=template, assertions=assertions.Template.from_json(template), outdir=outdir)


@pytest.fixture(scope="session")
def other_stages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synthesized]:
    outdir = tmp_path_factory.mktemp("cdk.out.stages")
    app = App(context=_other_stages_context(), outdir=str(outdir))
    stack_ids = {}
    for stage in (SECOND_DEV_STAGE, PRODUCTION):
        settings = Settings.from_context(app.node, stage=stage)
        RegisterStack(app, settings.stack_id, settings=settings)
        stack_ids[stage] = settings.stack_id
    add_nag_packs(app)
    assembly = app.synth()
    found = {}
    for stage, stack_id in stack_ids.items():
        template = flattened(assembly.get_stack_artifact(stack_id).template, outdir)
        found[stage] = Synthesized(template=template, assertions=assertions.Template.from_json(template), outdir=outdir)
    return found
