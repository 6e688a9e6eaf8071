"""S3 event of the attachments bucket: marks each declared attachment received (or deletes it).
A record without an object key is refused alone (logged by field names, counted), the others run."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from ahaki.intake.adapters.upload_events import uploaded_keys
from ahaki.intake.services import arrivals
from ahaki.intake.wiring import intake_ports

logger = Logger()


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    # EventBridge "Object Created" (as deployed) or an S3 notification record (either works).
    keys, refusals = uploaded_keys(event)
    for refused in refusals:
        logger.warning("malformed upload event", extra={"model": refused.model, "fields": refused.fields})
    handled = 0
    for key in keys:
        arrivals.attachment_arrived(intake_ports(), key)
        handled += 1
    logger.info("attachments handled", extra={"count": handled, "refused": len(refusals)})
    return {"handled": handled, "refused": len(refusals)}
