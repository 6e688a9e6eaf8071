"""Domain errors. The HTTP edge maps each to one problem+json status in one place.

Messages name fields and rules, never a value of a record: they may reach a response or a log.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    def __init__(self, detail: str, **extensions: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class NotFound(DomainError):
    """No such registrant for this tenant (also what another tenant's id looks like)."""


class InvalidState(DomainError):
    """The law does not allow this operation in the registrant's current state (409)."""


class NotScannedClean(DomainError):
    """Stored content the malware scan has not found clean: not scanned yet, or scanned and not
    clean (409: the state of the content, not the request, is what stands in the way)."""


class VersionConflict(DomainError):
    """The caller's version is stale or a concurrent change won (409 with the current version)."""

    def __init__(self, current_version: int) -> None:
        super().__init__(
            "The registrant was changed by someone else; reload and apply your change again.",
            current_version=current_version,
        )
        self.current_version = current_version


class DuplicateMyNumber(DomainError):
    """Another live registrant of the qualification already holds this My Number (409)."""


class PortalPseudonymInUse(DomainError):
    """The portal pseudonym is already linked to another registrant of the tenant (409)."""

    def __init__(self) -> None:
        super().__init__("The portal pseudonym is already linked to another registrant.", field="portal_pseudonym_id")


class Busy(DomainError):
    """Concurrent writers kept winning for longer than a request may wait (503, retry later)."""

    def __init__(self) -> None:
        super().__init__("The register is busy with concurrent changes; retry shortly.", retry_after=1)


class InvalidInput(DomainError):
    """A value breaks a rule that needs more than one field to check (422)."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail, field=field)
        self.field = field


class RateLimited(DomainError):
    """The caller used up their look-up allowance for this window (429)."""


class ResidentRegisterUnavailable(DomainError):
    """J-LIS did not answer in time (503); nothing was changed."""


class SeparationOfDuties(DomainError):
    """The approver last edited the application: someone else must decide it (403)."""
