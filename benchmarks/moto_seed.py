"""Many holders in moto's tables at once: the adapters' own items, put straight into the backend.

Through the API moto takes ~1.3 ms per item even with BatchWriteItem (100,000 holders: over two
minutes); the backend's ``Table.put_item`` with the very items our adapters write (``snapshot_item``,
``contact_item``) takes a third of that and stores exactly the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from ahaki.notifications.adapters.tables import contact_item
from ahaki.notifications.domain.notification import ContactPreference
from ahaki.registry.adapters.register_table import snapshot_item
from ahaki.registry.domain.registrant import Registrant

TENANT = "foundation"


@cache
def _template() -> Registrant:
    return Registrant.model_validate(
        {
            "tenant_id": TENANT,
            "qualification": "anma_massage_shiatsu",
            "qualification_pseudonym_id": "q0000000",
            "registration_number": 1,
            "registered_on": "2020-04-01",
            "name": {"family": "試験", "given": "太郎"},
            "name_kana": {"family": "シケン", "given": "タロウ"},
            "sex": "male",
            "birth_date": "1980-01-01",
            "origin": {"honseki_prefecture": "13"},
            "exam_passed_in": "2020-03",
            "address": {"municipality_code": "131016", "line": "千代田区1"},
            "minister_name": "見本 太郎",
            "chair_name": "見本 花子",
        }
    )


def holder_id(n: int) -> str:
    return f"q{n:07d}"


def holder(n: int, portal: bool = False) -> dict[str, Any]:
    """The register snapshot item of holder ``n`` (registration number n + 1)."""
    update: dict[str, Any] = {"qualification_pseudonym_id": holder_id(n), "registration_number": n + 1}
    if portal:
        update["portal_pseudonym_id"] = f"pp-{holder_id(n)}"
    return snapshot_item(_template().model_copy(update=update))


def email_of(n: int) -> str:
    return f"{holder_id(n)}@example.jp"


def contact(n: int) -> dict[str, Any]:
    """Holder ``n`` opted in to e-mail at an address of its own."""
    return contact_item(
        ContactPreference(
            tenant_id=TENANT, qualification_pseudonym_id=holder_id(n), email=email_of(n), email_opt_in=True
        )
    )


def put_items(table_name: str, items: Iterable[dict[str, Any]]) -> int:
    """Puts items into the active moto backend's table; returns how many."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from infra.sandbox.emulated_aws import REGION

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(table_name)
    count = 0
    for item in items:
        table.put_item(item)
        count += 1
    return count
