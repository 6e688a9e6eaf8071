"""The attachments bucket's events: an upload (S3 through EventBridge) marks each declared
attachment received (or deletes it); a malware scan's threat (GuardDuty through the default bus,
where the stage's plan is on) refuses that version. A record or event that does not fit its model
is refused alone (logged by field names, counted), the others run."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from ahaki.intake.adapters.scan_results import is_scan_result, scan_result
from ahaki.intake.adapters.upload_events import uploaded_keys
from ahaki.intake.domain.malware_scan import INCONCLUSIVE, ScanStatus
from ahaki.intake.services import arrivals
from ahaki.intake.wiring import intake_ports
from ahaki.kernel.messages import MalformedMessage

logger = Logger()


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    if is_scan_result(event):
        return _scanned(event)
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


def _scanned(event: dict[str, Any]) -> dict[str, int]:
    try:
        result = scan_result(event)
    except MalformedMessage as refused:
        logger.warning("malformed scan result", extra={"model": refused.model, "fields": refused.fields})
        return {"handled": 0, "refused": 1}
    scanned = result.detail.scanned
    status = result.detail.result.scan_result_status
    # The rule hands over threats and results that judged nothing; a clean result changes nothing
    # here (staff reads check the tag).
    if result.of_an_object_scan and status is ScanStatus.THREATS_FOUND:
        arrivals.threat_found(intake_ports(), scanned.object_key, scanned.version_id)
        logger.info("malware scan threat refused", extra={"count": 1})
        return {"handled": 1, "refused": 0}
    if result.of_an_object_scan and status in INCONCLUSIVE:
        arrivals.scan_inconclusive(intake_ports(), scanned.object_key, scanned.version_id, status)
        logger.info("malware scan inconclusive: staff alerted", extra={"status": status.value})
        return {"handled": 1, "refused": 0}
    return {"handled": 0, "refused": 0}
