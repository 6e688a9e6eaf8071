"""Adapter 1, the production shape: file exchange with J-LIS through an S3 bucket.

Request files go to ``outbound/<tenant>/<run>/<chunk>.csv``; J-LIS's result files arrive at
``inbound/<tenant>/<run>/<chunk>.csv`` and their S3 event starts processing. Objects are encrypted
with SSE-KMS under the bucket's default key, the exchange key: the requests name no encryption,
because ``ServerSideEncryption="aws:kms"`` without a key id would override that default with
S3's AWS-managed key. Plaintext My Numbers exist only in memory and inside the encrypted request
object. Reading streams line by line, so a file of any size needs little memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

from ahaki.residents.domain.jlis import INBOUND, OUTBOUND, FileKey
from ahaki.residents.domain.jlis_lines import TextLines

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

_PART = 5 * 1024 * 1024  # S3's smallest multipart part
_READ = 1024 * 1024


class Responder(Protocol):
    """The J-LIS side, in the sandbox and tests: answers a request file with a result file."""

    def answer(self, request_lines: Iterable[str], created_at: str = ...) -> Iterator[str]: ...


class S3Exchange:
    def __init__(self, s3: S3Client, bucket: str, responder: Responder | None = None) -> None:
        self._s3 = s3
        self._bucket = bucket
        self._responder = responder  # None in AWS: J-LIS answers by itself

    def send(self, key: FileKey, lines: Iterable[str]) -> None:
        self._put(key.of(OUTBOUND), lines)
        if self._responder is not None:
            self._put(key.of(INBOUND), self._responder.answer(self.lines(key.of(OUTBOUND))))

    def put_result(self, key: FileKey, lines: Iterable[str]) -> None:
        self._put(key.of(INBOUND), lines)

    def lines(self, object_key: str) -> TextLines:
        """The object's lines, fetched when iteration starts and read in 1 MB chunks split in linear
        time, each line bounded (``jlis_lines``): any size and shape of file costs time in
        proportion to its size, and no byte makes it raise."""
        return TextLines(self._chunks(object_key))

    def _chunks(self, object_key: str) -> Iterator[bytes]:
        body = self._s3.get_object(Bucket=self._bucket, Key=object_key)["Body"]
        yield from body.iter_chunks(chunk_size=_READ)

    def _put(self, object_key: str, lines: Iterable[str]) -> None:
        # Multipart in 5 MB parts, so a chunk's file is never held whole in memory.
        upload = self._s3.create_multipart_upload(Bucket=self._bucket, Key=object_key)  # the bucket's key
        parts: list[CompletedPartTypeDef] = []
        buffer: list[bytes] = []
        size = 0
        try:
            for line in lines:
                data = line.encode("utf-8")
                buffer.append(data)
                size += len(data)
                if size >= _PART:
                    parts.append(self._part(object_key, upload["UploadId"], len(parts) + 1, b"".join(buffer)))
                    buffer, size = [], 0
            if buffer or not parts:
                parts.append(self._part(object_key, upload["UploadId"], len(parts) + 1, b"".join(buffer)))
            self._s3.complete_multipart_upload(
                Bucket=self._bucket, Key=object_key, UploadId=upload["UploadId"], MultipartUpload={"Parts": parts}
            )
        except Exception:
            self._s3.abort_multipart_upload(Bucket=self._bucket, Key=object_key, UploadId=upload["UploadId"])
            raise

    def _part(self, object_key: str, upload_id: str, number: int, data: bytes) -> CompletedPartTypeDef:
        found = self._s3.upload_part(
            Bucket=self._bucket, Key=object_key, UploadId=upload_id, PartNumber=number, Body=data
        )
        return {"ETag": found["ETag"], "PartNumber": number}
