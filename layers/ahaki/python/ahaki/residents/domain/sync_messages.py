"""What the sync queue carries: the planner's "build" messages and S3's notifications of result files.

Only the fields the worker reads are declared; S3's other fields are neither needed nor checked.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ahaki.kernel.qualification import Qualification
from ahaki.registry.domain.registrant import Status


class BuildMessage(BaseModel):
    """Build the request file of one chunk: a page of registrants of one status."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["build"]
    tenant_id: str
    run_id: str
    chunk_no: int
    qualification: Qualification
    status: Status
    cursor: str | None = None
    records: int | None = None  # the page size; the worker's default when absent


class StoredObject(BaseModel):
    key: str  # URL-encoded, as S3 sends it


class StoredEntity(BaseModel):
    stored: StoredObject = Field(alias="object")


class StoredRecord(BaseModel):
    eventName: str | None = None
    s3: StoredEntity


class ResultNotification(BaseModel):
    """S3's event notification of objects written under the exchange bucket's prefixes."""

    Records: list[StoredRecord] = []
