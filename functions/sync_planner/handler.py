"""Started by the EventBridge Scheduler schedule: plans a run of every live registrant."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from ahaki.kernel.messages import MalformedMessage, parse_message
from ahaki.kernel.qualification import Qualification
from ahaki.residents.services import sync
from ahaki.residents.wiring import register_ports, sync_ports

logger = Logger()


class ScheduleInput(BaseModel):
    """The schedule's input: the tenant, qualification and firing; nothing personal is in it."""

    tenant_id: str = "foundation"
    qualification: Qualification = Qualification.ANMA_MASSAGE_SHIATSU
    run_id: str | None = None
    scheduled_time: str | None = None  # <aws.scheduler.scheduled-time>


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Every retry of one firing (Scheduler's, Lambda's) resumes the same run from its checkpoint.
    try:
        schedule = parse_message(event, ScheduleInput)
    except MalformedMessage as refused:  # an error: Scheduler retries, then its dead-letter queue
        logger.warning("malformed schedule input", extra={"model": refused.model, "fields": refused.fields})
        raise
    tenant, qualification, run_id = schedule.tenant_id, schedule.qualification, schedule.run_id
    if run_id is None and schedule.scheduled_time:
        run_id = sync.scheduled_run_id(tenant, qualification, schedule.scheduled_time)
    caller = sync.system_caller(tenant, context.aws_request_id)
    run = sync.start_run(register_ports(), sync_ports(), caller, qualification, run_id)
    logger.info("sync run planned", extra={"run_id": run.run_id})
    return {"run_id": run.run_id}
