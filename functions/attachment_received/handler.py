"""S3 event of the attachments bucket: marks each declared attachment received (or deletes it)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.typing import LambdaContext

from ahaki.http.resolver import logger
from ahaki.intake.services import submission
from ahaki.intake.wiring import intake_ports


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    # EventBridge "Object Created" (as deployed) or an S3 notification record (either works).
    if event.get("source") == "aws.s3":
        keys = [str(event["detail"]["object"]["key"])]
    else:
        keys = [unquote_plus(r["s3"]["object"]["key"]) for r in event.get("Records", [])]  # URL-encoded
    handled = 0
    for key in keys:
        submission.attachment_arrived(intake_ports(), key)
        handled += 1
    logger.info("attachments handled", extra={"count": handled})
    return {"handled": handled}
