"""What the API returns: the domain models, plus what a reader needs that is derived."""

from __future__ import annotations

from pydantic import BaseModel

from ahaki.kernel.values import today_jst
from ahaki.registry.domain.history import HistoryEvent
from ahaki.registry.domain.registrant import Registrant, Status
from ahaki.registry.services.ports import Page


class RegistrantView(Registrant):
    status_today: Status  # a suspension ends by itself when its period is over


class SearchResult(BaseModel):
    items: list[RegistrantView]
    cursor: str | None = None


class HistoryView(BaseModel):
    qualification_pseudonym_id: str
    events: list[HistoryEvent]


class MyNumberView(BaseModel):
    qualification_pseudonym_id: str
    my_number: str


def registrant_view(registrant: Registrant) -> RegistrantView:
    return RegistrantView(**registrant.model_dump(), status_today=registrant.effective_status(today_jst()))


def search_result(page: Page) -> SearchResult:
    return SearchResult(items=[registrant_view(r) for r in page.items], cursor=page.cursor)
