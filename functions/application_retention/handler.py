"""Started daily by EventBridge Scheduler: the retention of online applications."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from ahaki.intake.services import retention as application_retention
from ahaki.intake.wiring import retention_ports

logger = Logger()


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The schedule's input names the tenants and the firing (no personal data): every retry of one
    # firing counts as the same day, so its report is completed rather than doubled.
    scheduled = event.get("scheduled_time")
    now = datetime.fromisoformat(str(scheduled)) if scheduled else datetime.now(UTC)
    tenants = tuple(str(t) for t in event.get("tenant_ids", ()))
    reports = application_retention.run(retention_ports(), now, tenants)
    counts = {report.tenant_id: report.counts() for report in reports}
    logger.info("retention run done", extra={"reports": [r.report_id for r in reports], "counts": counts})
    return {"reports": [{"tenant_id": r.tenant_id, "report_id": r.report_id, **r.counts()} for r in reports]}
