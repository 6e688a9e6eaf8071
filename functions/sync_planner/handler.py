"""Started by the EventBridge Scheduler schedule: plans a run of every live registrant."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from ahaki.kernel.values import Qualification
from ahaki.registry.wiring import ports
from ahaki.residents.services import sync
from ahaki.residents.wiring import sync_ports

logger = Logger()


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The schedule's input names the tenant, qualification and firing; nothing personal is in it.
    # Every retry of one firing (Scheduler's, Lambda's) resumes the same run from its checkpoint.
    tenant = str(event.get("tenant_id", "foundation"))
    qualification = Qualification(event.get("qualification", Qualification.ANMA_MASSAGE_SHIATSU.value))
    run_id = event.get("run_id")
    if run_id is None and event.get("scheduled_time"):
        run_id = sync.scheduled_run_id(tenant, qualification, str(event["scheduled_time"]))
    caller = sync.system_caller(tenant, context.aws_request_id)
    run = sync.start_run(ports(), sync_ports(), caller, qualification, run_id)
    logger.info("sync run planned", extra={"run_id": run.run_id})
    return {"run_id": run.run_id}
