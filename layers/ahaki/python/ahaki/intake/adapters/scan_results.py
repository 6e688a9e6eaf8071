"""GuardDuty's "Malware Protection Object Scan Result" events, as the default bus hands them to the
attachment function: Powertools' EventBridge envelope, with a declared model of the detail's fields
read (the bucket, the key, the version and the result). The emulated scanner of the tests and the
sandbox sends AWS's whole shape (``infra/sandbox/emulated_scanner.py``)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser.models.event_bridge import EventBridgeModel
from pydantic import BaseModel, Field

from ahaki.intake.domain.malware_scan import SCAN_RESULT_DETAIL_TYPE, SCAN_RESULT_SOURCE, ScanStatus
from ahaki.kernel.messages import parse_message


class ScannedObject(BaseModel):
    bucket_name: str = Field(alias="bucketName")
    object_key: str = Field(alias="objectKey")  # not URL-encoded, as in EventBridge's S3 events
    version_id: str | None = Field(None, alias="versionId")  # None only in a bucket without versions


class ScanResultDetails(BaseModel):
    scan_result_status: ScanStatus = Field(alias="scanResultStatus")


class ObjectScanResultDetail(BaseModel):
    scan_status: str = Field(alias="scanStatus")  # COMPLETED, SKIPPED or FAILED
    scanned: ScannedObject = Field(alias="s3ObjectDetails")
    result: ScanResultDetails = Field(alias="scanResultDetails")


class ObjectScanResult(EventBridgeModel):
    """Only this detail type reaches the function (the rule's pattern); another one of GuardDuty's
    (a plan's status) does not fit the detail's model and is refused by field name."""

    detail: ObjectScanResultDetail  # the envelope's detail, typed

    @property
    def of_an_object_scan(self) -> bool:
        return self.source == SCAN_RESULT_SOURCE and self.detail_type == SCAN_RESULT_DETAIL_TYPE


def is_scan_result(event: dict[str, Any]) -> bool:
    return event.get("source") == SCAN_RESULT_SOURCE


def scan_result(event: dict[str, Any]) -> ObjectScanResult:
    """The event as its model; MalformedMessage (fields, no values) when it does not fit."""
    return parse_message(event, ObjectScanResult)
