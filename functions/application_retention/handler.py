"""Started daily by EventBridge Scheduler: the retention of online applications."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from ahaki.intake.services import retention as application_retention
from ahaki.intake.wiring import retention_ports
from ahaki.kernel.messages import MalformedMessage, parse_message

logger = Logger()


class ScheduleInput(BaseModel):
    """The schedule's input: the tenants and the firing (no personal data)."""

    tenant_ids: tuple[str, ...] = ()  # none: every tenant
    scheduled_time: datetime | None = None  # <aws.scheduler.scheduled-time>, ISO 8601


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The schedule's input names the tenants and the firing (no personal data): every retry of one
    # firing counts as the same day, so its report is completed rather than doubled.
    try:
        schedule = parse_message(event, ScheduleInput)
    except MalformedMessage as refused:  # an error: Scheduler retries, then its dead-letter queue
        logger.warning("malformed schedule input", extra={"model": refused.model, "fields": refused.fields})
        raise
    now = schedule.scheduled_time or datetime.now(UTC)
    reports = application_retention.run(retention_ports(), now, schedule.tenant_ids)
    counts = {report.tenant_id: report.counts() for report in reports}
    logger.info("retention run done", extra={"reports": [r.report_id for r in reports], "counts": counts})
    return {"reports": [{"tenant_id": r.tenant_id, "report_id": r.report_id, **r.counts()} for r in reports]}
