"""One synthesis of the real CDK app, shared by every infra test (session scope).

The fixture synthesizes with the cdk-nag packs attached exactly as ``cdk synth`` does, so an
unacknowledged finding fails the fixture and with it the whole infra suite.
"""

from __future__ import annotations

import pytest
from aws_cdk import assertions

from infra.register_stack.app_builder import build_app, cdk_json_context
from infra.register_stack.settings import Settings
from tests.infra.template_tools import Synthesized


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    outdir = tmp_path_factory.mktemp("cdk.out")
    # Asset staging (copying ~35 MB of layer into the assembly) is skipped: the template and the
    # asset hashes are the same, synthesis is faster.
    context = {**cdk_json_context(), "aws:cdk:disable-asset-staging": True}
    app = build_app(context, outdir=str(outdir))
    assembly = app.synth()  # raises on any unacknowledged cdk-nag finding
    stack_id = Settings.from_context(app.node).stack_id
    template = assembly.get_stack_artifact(stack_id).template
    return Synthesized(template=template, assertions=assertions.Template.from_json(template), outdir=outdir)
