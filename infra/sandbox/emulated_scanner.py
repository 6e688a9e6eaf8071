"""An EMULATION of GuardDuty Malware Protection for S3, for the tests and the sandbox (moto has no
GuardDuty). After an upload it does what the stage's plan does in AWS (ADR 0290): tags the version
it scanned ``GuardDutyMalwareScanStatus`` and sends the "GuardDuty Malware Protection Object Scan
Result" event in AWS's shape; the deployed rule hands the attachment function only threats in the
attachments bucket (``delivered``).

It is no malware scanner: it flags the EICAR test string (the industry's standard harmless test
file, ``EICAR``) anywhere in the bytes as a threat, and nothing else. Real engines look for that
string at the start of a file (and unpack archives); looser here so that a well-formed PDF carrying
it passes our own content checks first, as real malware in a well-formed file would.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import boto3

from ahaki.intake.domain.malware_scan import (
    INCONCLUSIVE,
    SCAN_RESULT_DETAIL_TYPE,
    SCAN_RESULT_SOURCE,
    SCAN_TAG,
    ScanStatus,
)
from infra.sandbox.emulated_aws import REGION

# The EICAR test file's 68 characters (eicar.org): antivirus engines report it as a threat by convention.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
ACCOUNT = "000000000000"  # moto's account
PLAN_ARN = f"arn:aws:guardduty:{REGION}:{ACCOUNT}:malware-protection-plan/emulated0plan"


def verdict(data: bytes) -> ScanStatus:
    return ScanStatus.THREATS_FOUND if EICAR in data else ScanStatus.NO_THREATS_FOUND


def scan(bucket: str, key: str, version_id: str | None) -> dict[str, Any] | None:
    """Scans that version (the current one without an id), tags it and returns the result event;
    None when the version is gone before its scan (refused and deleted meanwhile)."""
    s3 = boto3.client("s3", region_name=REGION)
    version = {"VersionId": version_id} if version_id else {}
    try:
        found = s3.get_object(Bucket=bucket, Key=key, **version)  # type: ignore[arg-type]
    except s3.exceptions.NoSuchKey:
        return None
    except s3.exceptions.ClientError as error:
        if error.response["Error"]["Code"] in {"NoSuchVersion", "404", "MethodNotAllowed"}:
            return None
        raise
    scanned_version = found.get("VersionId") or version_id
    status = verdict(found["Body"].read())
    tagged = {"VersionId": scanned_version} if scanned_version else {}
    s3.put_object_tagging(
        Bucket=bucket,
        Key=key,
        Tagging={"TagSet": [{"Key": SCAN_TAG, "Value": status.value}]},
        **tagged,  # type: ignore[arg-type]
    )
    return scan_result_event(bucket, key, scanned_version, status, str(found.get("ETag", "")).strip('"'))


def scan_result_event(
    bucket: str, key: str, version_id: str | None, status: ScanStatus, etag: str = "0" * 32
) -> dict[str, Any]:
    """The event GuardDuty sends to the default bus, in its documented shape."""
    threats = [{"name": "EICAR-Test-File (not a virus)"}] if status is ScanStatus.THREATS_FOUND else None
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": SCAN_RESULT_DETAIL_TYPE,
        "source": SCAN_RESULT_SOURCE,
        "account": ACCOUNT,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [PLAN_ARN],
        "detail": {
            "schemaVersion": "1.0",
            "scanStatus": "COMPLETED",
            "resourceType": "S3_OBJECT",
            "s3ObjectDetails": {
                "bucketName": bucket,
                "objectKey": key,
                "eTag": etag,
                "versionId": version_id,
                "s3Throttled": False,
            },
            "scanResultDetails": {"scanResultStatus": status.value, "threats": threats},
        },
    }


def delivered(event: dict[str, Any], bucket: str) -> bool:
    """What the deployed rule passes on to the attachment function (contexts/intake_malware.py):
    results in the attachments bucket that found a threat or judged nothing."""
    detail = event["detail"]
    return bool(
        event["source"] == SCAN_RESULT_SOURCE
        and event["detail-type"] == SCAN_RESULT_DETAIL_TYPE
        and detail["s3ObjectDetails"]["bucketName"] == bucket
        and detail["scanResultDetails"]["scanResultStatus"] in {ScanStatus.THREATS_FOUND, *INCONCLUSIVE}
    )
