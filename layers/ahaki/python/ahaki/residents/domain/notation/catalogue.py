"""Every notation rule by name, and a tenant's choice of rules turned off.

A rule that proves wrong for a tenant (it folds what staff consider a real difference) is turned
off by staff, with a reason, audited; the sync then raises those differences again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel

from ahaki.kernel.model import Frozen
from ahaki.kernel.values import LongText
from ahaki.residents.domain.notation.addresses import ADDRESS_RULES, MUNICIPALITY_RULE
from ahaki.residents.domain.notation.kana import KANA_RULES
from ahaki.residents.domain.notation.names import NAME_RULES, VARIANTS_VERSION

ALL_RULES = (*NAME_RULES, *KANA_RULES, *ADDRESS_RULES, MUNICIPALITY_RULE)
RULE_NAMES = frozenset(r.name for r in ALL_RULES)


def _known(names: tuple[str, ...]) -> tuple[str, ...]:
    if not set(names) <= RULE_NAMES:
        raise ValueError("names a rule that does not exist (GET the settings for the list)")
    return tuple(sorted(set(names)))


class NotationSettings(Frozen):
    """A tenant's notation rules turned off (none by default); ``version`` counts the changes."""

    disabled: tuple[str, ...] = ()
    version: int = 0
    updated_by: str | None = None
    updated_at: datetime | None = None
    reason: str | None = None

    @property
    def off(self) -> frozenset[str]:
        return frozenset(self.disabled)


class ChangeNotationSettings(Frozen):
    """The rules to turn off (all others on), a reason, and the version the change is based on."""

    disabled: Annotated[tuple[str, ...], AfterValidator(_known)]
    reason: LongText
    version: int  # the settings' version read before (0 when never set): a stale change is a 409


class RuleView(BaseModel):
    name: str
    why: str
    enabled: bool


def rules_view(settings: NotationSettings) -> list[RuleView]:
    return [RuleView(name=r.name, why=r.why, enabled=r.name not in settings.off) for r in ALL_RULES]


__all__ = ["ALL_RULES", "RULE_NAMES", "VARIANTS_VERSION", "ChangeNotationSettings", "NotationSettings", "rules_view"]
