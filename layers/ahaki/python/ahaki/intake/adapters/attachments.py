"""The attachments bucket: presigned PUTs with the declared type and size signed in, presigned GETs
of one version as a download, object checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from ahaki.intake.domain.malware_scan import SCAN_TAG
from ahaki.intake.services.ports import ScannedVersion, StoredAttachment

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


# What S3 answers for a key or version that is not there (a delete marker: MethodNotAllowed).
_GONE = frozenset({"404", "NoSuchKey", "NotFound", "NoSuchVersion", "MethodNotAllowed"})


class S3Attachments:
    def __init__(self, s3: S3Client, bucket: str, presigner: S3Client | None = None) -> None:
        self._s3 = s3
        self._bucket = bucket
        self._presigner = presigner or s3  # the sandbox presigns for its own endpoint

    def upload_url(self, key: str, content_type: str, size: int, expires_in: int) -> str:
        # Content-Type and Content-Length are signed: an upload of another type or size is refused
        # by S3 itself; the S3 event checks the object again (defence in depth).
        url: str = self._presigner.generate_presigned_url(
            "put_object",
            Params={"Bucket": self._bucket, "Key": key, "ContentType": content_type, "ContentLength": size},
            ExpiresIn=expires_in,
            HttpMethod="PUT",
        )
        return url

    def download_url(
        self, key: str, version_id: str | None, content_type: str, disposition: str, expires_in: int
    ) -> str:
        # The response headers are signed into the URL: S3 answers with these, so a file uploaded
        # as one type is never served (or rendered) as another; the version pins the bytes checked.
        params: dict[str, str] = {
            "Bucket": self._bucket,
            "Key": key,
            "ResponseContentType": content_type,
            "ResponseContentDisposition": disposition,
        }
        url: str = self._presigner.generate_presigned_url(
            "get_object",
            Params={**params, "VersionId": version_id} if version_id is not None else params,
            ExpiresIn=expires_in,
        )
        return url

    def fetch(self, key: str, limit: int, version_id: str | None = None) -> StoredAttachment | None:
        try:
            if version_id is None:
                found = self._s3.get_object(Bucket=self._bucket, Key=key)
            else:
                found = self._s3.get_object(Bucket=self._bucket, Key=key, VersionId=version_id)
        except ClientError as error:
            if error.response["Error"]["Code"] in _GONE:
                return None
            raise
        body, size = found["Body"], int(found["ContentLength"])
        try:
            # Read only what the rules allow: a larger object is refused unread.
            data = body.read(limit + 1) if size <= limit else None
        finally:
            body.close()
        if data is not None and len(data) != size:
            data = None  # not the object S3 described (cannot be in AWS): refused as too large
        version = found.get("VersionId")
        return StoredAttachment(str(found.get("ContentType", "")), size, version if version != "null" else None, data)

    def scanned_version(self, key: str) -> ScannedVersion | None:
        # The tags of the current version (s3:GetObjectTagging) name that version: the tag and the
        # version id come from one response, so the bytes read next are those of the version tagged.
        try:
            found = self._s3.get_object_tagging(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response["Error"]["Code"] in _GONE:
                return None
            raise
        status = next((t["Value"] for t in found["TagSet"] if t["Key"] == SCAN_TAG), None)
        version = found.get("VersionId")
        return ScannedVersion(version if version != "null" else None, status)

    def delete(self, key: str, version_id: str | None = None) -> None:
        if version_id is None:
            self._s3.delete_object(Bucket=self._bucket, Key=key)
        else:
            self._s3.delete_object(Bucket=self._bucket, Key=key, VersionId=version_id)

    def delete_prefix(self, prefix: str) -> int:
        deleted = 0
        pages = self._s3.get_paginator("list_object_versions").paginate(Bucket=self._bucket, Prefix=prefix)
        for page in pages:  # every version: the bucket is versioned, and old versions hold data too
            for found in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                self._s3.delete_object(Bucket=self._bucket, Key=found["Key"], VersionId=found["VersionId"])
                deleted += 1
        return deleted
