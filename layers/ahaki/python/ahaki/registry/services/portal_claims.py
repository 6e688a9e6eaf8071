"""One registrant per portal pseudonym: the claim follows the link inside a register change."""

from __future__ import annotations

from ahaki.registry.domain.registrant import Registrant
from ahaki.registry.services.ports import UnitOfWork


def move_portal_claim(uow: UnitOfWork, tenant_id: str, before: Registrant, linked: str | None) -> None:
    """A change of the link moves the claim in the same transaction; ``linked`` None frees it
    (erasure for good, like the My Number claim)."""
    if linked == before.portal_pseudonym_id:
        return
    if before.portal_pseudonym_id is not None:
        uow.release_portal_pseudonym(tenant_id, before.portal_pseudonym_id, before.qualification_pseudonym_id)
    if linked is not None:
        uow.claim_portal_pseudonym(tenant_id, linked, before.qualification_pseudonym_id)
