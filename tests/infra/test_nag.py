"""cdk-nag: the app is clean, and a finding really fails synthesis."""

from __future__ import annotations

from pathlib import Path

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_sqs as sqs

from infra.register_stack.nag import add_nag_packs
from tests.infra.template_tools import Synthesized

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def test_the_app_synthesized_with_zero_unacknowledged_findings(synthesized: Synthesized) -> None:
    report = synthesized.validation_report()
    violations = [v for plugin in report["pluginReports"] for v in plugin.get("violations", [])]
    assert violations == []


def test_a_finding_fails_synthesis(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path))
    stack = Stack(app, "NagProbe")
    sqs.Queue(stack, "UnencryptedQueueWithoutDlq")
    add_nag_packs(app)
    with pytest.raises(RuntimeError, match="ValidationFailed") as failure:
        app.synth()
    assert "AwsSolutions-SQS4" in str(failure.value)
