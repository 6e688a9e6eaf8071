"""Build the CDK app: the same code for ``cdk synth`` (infra/app.py) and the infra tests."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aws_cdk import App

from infra.register_stack.nag import add_nag_packs
from infra.register_stack.paths import CDK_JSON
from infra.register_stack.settings import Settings
from infra.register_stack.stack import RegisterStack


def cdk_json_context() -> dict[str, Any]:
    """The ``context`` block of cdk.json: what the CDK CLI would pass to the app."""
    data = json.loads(CDK_JSON.read_text(encoding="utf-8"))
    context = data.get("context", {})
    assert isinstance(context, dict)
    return context


def build_app(context: Mapping[str, Any] | None = None, outdir: str | None = None) -> App:
    """The app with its one stack and the cdk-nag packs (a finding fails ``app.synth()``).

    Under the CDK CLI pass nothing: the CLI hands cdk.json's context (and ``-c`` values) over
    itself. Elsewhere (tests) pass ``cdk_json_context()`` plus any overrides.
    """
    app = App(context=dict(context) if context is not None else None, outdir=outdir)
    settings = Settings.from_context(app.node)
    RegisterStack(app, settings.stack_id, settings=settings)
    add_nag_packs(app)
    return app
