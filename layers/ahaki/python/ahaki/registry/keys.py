"""The register table's key layout: published, so other contexts' read models can query the table
(notifications' holder directory) without reaching into the registry's adapters."""

from __future__ import annotations

from datetime import date

from ahaki.kernel.qualification import Qualification
from ahaki.kernel.values import NameKana
from ahaki.registry.domain.registrant import Status

SNAPSHOT = "SNAPSHOT"
EVENT_PREFIX = "EVENT#"
CLAIM = "CLAIM"  # the portal pseudonym's claim item: one registrant per pseudonym and tenant


def portal_claim_pk(tenant_id: str, portal_pseudonym_id: str) -> str:
    return f"T#{tenant_id}#PPCLAIM#{portal_pseudonym_id}"


def registrant_pk(tenant_id: str, qualification_pseudonym_id: str) -> str:
    return f"T#{tenant_id}#Q#{qualification_pseudonym_id}"


def event_sk(version: int) -> str:
    return f"{EVENT_PREFIX}{version:010d}"


def rn_key(tenant_id: str, qualification: Qualification, number: int) -> str:
    return f"T#{tenant_id}#{qualification.value}#RN#{number}"


def kana_key(tenant_id: str, qualification: Qualification, kana: NameKana, birth_date: date) -> str:
    return f"T#{tenant_id}#{qualification.value}#KANA#{kana.family}\u3000{kana.given}#{birth_date.isoformat()}"


# The attributes of a start key in the by_status index (a page's end), and their types: ids, a
# status and a registration number, no personal data. Checked when a cursor comes back.
STATUS_INDEX_KEY_TYPES = {"pk": "S", "sk": "S", "gsi_status": "S", "gsi_status_sk": "N"}


def status_key(tenant_id: str, qualification: Qualification, status: Status) -> str:
    return f"T#{tenant_id}#{qualification.value}#ST#{status.value}"


def portal_key(tenant_id: str, portal_pseudonym_id: str) -> str:
    return f"T#{tenant_id}#PP#{portal_pseudonym_id}"
