"""The ports of online intake: the register's ports plus applications, the vault's pending
numbers, the attachments store and the signature trust anchors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ahaki.domain.application import Application, ApplicationKind, ApplicationStatus
from ahaki.domain.retention import DeletionReport
from ahaki.domain.values import Qualification
from ahaki.services.ports import Ports, SealedMyNumber


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


class AttachmentStore(Protocol):
    def upload_url(self, key: str, content_type: str, size: int, expires_in: int) -> str: ...

    def head(self, key: str) -> tuple[str, int] | None:
        """(content type, size) of the stored object, or None."""
        ...

    def delete(self, key: str) -> None: ...

    def delete_prefix(self, prefix: str) -> int: ...


@dataclass(frozen=True)
class IntakePorts:
    register: Ports
    applications: ApplicationStore
    vault: IntakeVault
    attachments: AttachmentStore
    trust_anchors: Callable[[], list[Any]]  # x509.Certificate; loaded once per environment
    retention_days: int = 90
