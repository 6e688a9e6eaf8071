"""The ports of online intake: the register's ports plus applications, the vault's pending
numbers, the attachments store and the signature trust anchors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ahaki.intake.domain.application import Application, ApplicationKind
from ahaki.intake.domain.retention import DeletionReport
from ahaki.intake.domain.status import ApplicationStatus
from ahaki.kernel.ports import Transaction
from ahaki.kernel.qualification import Qualification
from ahaki.kernel.vault import SealedMyNumber
from ahaki.registry.services.ports import Ports


class ApplicationStore(Protocol):
    def get(self, tenant_id: str, application_id: str) -> Application | None: ...

    def of_applicant(self, tenant_id: str, portal_pseudonym_id: str, limit: int) -> list[Application]: ...

    def queue(
        self, tenant_id: str, status: ApplicationStatus, kinds: list[ApplicationKind], limit: int
    ) -> list[Application]: ...

    def expired(self, now: datetime) -> list[tuple[str, str]]: ...

    def delete(self, tenant_id: str, application_id: str) -> None: ...

    def retention_candidates(self, now: datetime) -> list[Application]: ...


class RetentionReports(Protocol):
    def save(self, report: DeletionReport) -> None: ...

    def recent(self, tenant_id: str, limit: int) -> list[DeletionReport]: ...

    def get(self, tenant_id: str, report_id: str) -> DeletionReport | None: ...


class IntakeVault(Protocol):
    def seal(
        self, tenant_id: str, qualification: Qualification, qualification_pseudonym_id: str, my_number: str
    ) -> SealedMyNumber: ...

    def pending(self, tenant_id: str, qualification_pseudonym_id: str) -> SealedMyNumber | None: ...

    def holder_of_index(self, tenant_id: str, qualification: Qualification, blind_index: str) -> str | None: ...


class ApplicationWrites(Protocol):
    """An application's writes, added to a transaction: a register operation's, or its own."""

    def put_application(self, application: Application) -> None: ...

    def hold_pending_my_number(self, sealed: SealedMyNumber) -> None: ...

    def drop_pending_my_number(
        self, tenant_id: str, qualification_pseudonym_id: str, *, must_exist: bool = True
    ) -> None: ...

    def delete_application(self, application: Application) -> None:
        """Deletes the application item, only at the version read (retention)."""
        ...


@dataclass(frozen=True)
class StoredAttachment:
    """An uploaded object as stored now: its declared type, size and version, and its bytes (None
    when it is larger than the reader's limit: not read at all)."""

    content_type: str
    size: int
    version_id: str | None
    data: bytes | None


@dataclass(frozen=True)
class ScannedVersion:
    """The version now current at a key and the malware scan's tag on it (None: not scanned yet)."""

    version_id: str | None
    scan_status: str | None


class AttachmentStore(Protocol):
    def upload_url(self, key: str, content_type: str, size: int, expires_in: int) -> str: ...

    def download_url(
        self, key: str, version_id: str | None, content_type: str, disposition: str, expires_in: int
    ) -> str:
        """A presigned GET of that version of ``key`` (the current one when None), answered with
        ``content_type`` and ``disposition`` whatever the object's own metadata says."""
        ...

    def fetch(self, key: str, limit: int, version_id: str | None = None) -> StoredAttachment | None:
        """The object now at ``key`` (with ``version_id``: that version), its bytes only up to
        ``limit``; None when there is none."""
        ...

    def scanned_version(self, key: str) -> ScannedVersion | None:
        """The current version at ``key`` and its scan tag, read without its bytes (None: no
        object). Where the plan is on, S3 refuses the bytes of a version not scanned clean to
        everyone but the attachment function, so the version is learnt from its tags."""
        ...

    def delete(self, key: str, version_id: str | None = None) -> None:
        """The object at ``key``; with ``version_id``, that version itself (no delete marker: an
        earlier version, if any, is current again)."""
        ...

    def delete_prefix(self, prefix: str) -> int: ...


@dataclass(frozen=True)
class IntakePorts:
    register: Ports
    applications: ApplicationStore
    vault: IntakeVault
    attachments: AttachmentStore
    trust_anchors: Callable[[], list[Any]]  # x509.Certificate; loaded once per environment
    # The application's writes, in the given transaction (kernel/ports.py Transaction).
    application_writes: Callable[[Transaction], ApplicationWrites]
    retention_days: int = 90
    # GuardDuty scans each upload (the stage's plan is on): staff read only versions tagged clean.
    malware_scan: bool = False
