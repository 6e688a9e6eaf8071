"""The attachments bucket's upload events: EventBridge's "Object Created" (as deployed) or S3's own
notification records. Only the object key is read, so only it is declared: the sandbox and the
tests send no more, and Powertools' full S3 models would refuse their events."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from pydantic import BaseModel, Field

from ahaki.kernel.messages import MalformedMessage, parse_message


class UploadedObject(BaseModel):
    key: str


class ObjectCreatedDetail(BaseModel):
    uploaded: UploadedObject = Field(alias="object")


class ObjectCreated(BaseModel):
    """EventBridge's envelope: the key in it is not URL-encoded."""

    detail: ObjectCreatedDetail


class S3Entity(BaseModel):
    uploaded: UploadedObject = Field(alias="object")


class S3Record(BaseModel):
    """One record of an S3 event notification: the key in it is URL-encoded."""

    s3: S3Entity


def uploaded_keys(event: dict[str, Any]) -> tuple[list[str], list[MalformedMessage]]:
    """The keys of the event's objects, and a refusal (fields, no values) for each record that has none."""
    if event.get("source") == "aws.s3":
        try:
            return [parse_message(event, ObjectCreated).detail.uploaded.key], []
        except MalformedMessage as refused:
            return [], [refused]
    records = event.get("Records", [])
    if not isinstance(records, list):
        return [], [MalformedMessage("S3Event", ["Records"])]
    keys: list[str] = []
    refusals: list[MalformedMessage] = []
    for record in records:
        try:
            keys.append(unquote_plus(parse_message(record, S3Record).s3.uploaded.key))
        except MalformedMessage as refused:
            refusals.append(refused)
    return keys, refusals
