"""A context's stage settings read cdk.json's keys as the platform's do: a stage's own value
(``ahaki:stages.<stage>``) over the top-level ``ahaki:<key>``, over the default."""

from __future__ import annotations

import pytest
from aws_cdk import App

from infra.register_stack.contexts.intake_settings import IntakeStageSettings
from infra.register_stack.contexts.residents_settings import ResidentsStageSettings
from infra.register_stack.settings import Settings, StageContext

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _app() -> App:
    return App(
        context={
            "ahaki:stage": "dev",
            "ahaki:syncSchedule": "cron(0 2 1 * ? *)",
            "ahaki:syncChunkSize": 1000,
            "ahaki:stages": {
                "prod": {"syncSchedule": "cron(0 3 1 * ? *)", "applicationRetentionDays": 30},
            },
        }
    )


def test_a_stage_value_wins_over_the_top_level_one_and_a_default_fills_the_rest() -> None:
    app = _app()
    prod = ResidentsStageSettings.from_context(StageContext.of(app.node, "prod"))
    dev = ResidentsStageSettings.from_context(StageContext.of(app.node))
    assert (prod.sync_schedule, prod.sync_chunk_size) == ("cron(0 3 1 * ? *)", 1000)
    assert (dev.sync_schedule, dev.sync_chunk_size) == ("cron(0 2 1 * ? *)", 1000)
    assert IntakeStageSettings.from_context(StageContext.of(app.node, "prod")).application_retention_days == 30
    assert IntakeStageSettings.from_context(StageContext.of(app.node)).application_retention_days == 90


def test_the_platform_and_the_contexts_read_the_same_stage() -> None:
    app = _app()
    assert StageContext.of(app.node).stage == Settings.from_context(app.node).stage == "dev"
    assert StageContext.of(app.node, "prod").stage == Settings.from_context(app.node, "prod").stage == "prod"
