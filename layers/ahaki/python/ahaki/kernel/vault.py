"""The vault, the one home of My Numbers: what it keeps and what it offers (kernel/adapters/vault.py).

Registry and intake both seal numbers into it; only the reveal use case decrypts one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ahaki.kernel.qualification import Qualification


@dataclass(frozen=True)
class SealedMyNumber:
    """A My Number as the vault keeps it: ciphertext bound to its holder, and its blind index."""

    tenant_id: str
    qualification: Qualification
    qualification_pseudonym_id: str
    ciphertext: bytes
    blind_index: str


class Vault(Protocol):
    def seal(
        self, tenant_id: str, qualification: Qualification, qualification_pseudonym_id: str, my_number: str
    ) -> SealedMyNumber: ...

    def reveal(self, tenant_id: str, qualification_pseudonym_id: str) -> str | None: ...
