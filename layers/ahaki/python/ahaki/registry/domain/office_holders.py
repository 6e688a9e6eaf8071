"""Items 24 and 25: the names of the persons in office when a registrant is registered.

The register records who was Minister of Health, Labour and Welfare (大臣名, printed on the
licence) and who chaired the registration body (理事長名, printed on the certificate) on the
registration date: names, not office titles. Each tenant keeps a table of its office holders with
their periods; registration takes the names in office on ``registered_on`` unless staff give them.
"""

from __future__ import annotations

import itertools
from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, Field, model_validator

from ahaki.kernel.errors import InvalidInput
from ahaki.kernel.model import Frozen
from ahaki.kernel.values import IsoDate, Text

# Titles alone, as they were stored before: a name must say who, not only which office.
_TITLES = frozenset(
    {
        "厚生労働大臣",
        "厚生大臣",
        "大臣",
        "理事長",
        "公益財団法人東洋療法研修試験財団理事長",
        "東洋療法研修試験財団理事長",
    }
)


def _a_person(value: str) -> str:
    if "".join(value.split()) in _TITLES:
        raise ValueError("must name the person in office, not only the office")
    return value


PersonInOffice = Annotated[Text, AfterValidator(_a_person)]


class Office(StrEnum):
    MINISTER = "minister"  # item 24, 大臣名
    CHAIR = "chair"  # item 25, 理事長名


ITEM_OF: dict[Office, str] = {Office.MINISTER: "minister_name", Office.CHAIR: "chair_name"}


class OfficeHolder(Frozen):
    office: Office
    name: PersonInOffice
    since: IsoDate  # first day in office
    until: IsoDate | None = None  # last day in office; None: still in office

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.until is not None and self.until < self.since:
            raise ValueError("until must not be before since")
        return self

    def in_office(self, on: date) -> bool:
        return self.since <= on and (self.until is None or on <= self.until)


class OfficeHolders(Frozen):
    """One tenant's table: periods of one office never overlap."""

    holders: tuple[OfficeHolder, ...] = Field(default=(), max_length=500)

    @model_validator(mode="after")
    def _no_overlap(self) -> Self:
        for office in Office:
            periods = sorted((h for h in self.holders if h.office is office), key=lambda h: h.since)
            for earlier, later in itertools.pairwise(periods):
                if earlier.until is None or later.since <= earlier.until:
                    raise ValueError(f"periods of the {office.value} overlap")
        return self

    def name_on(self, office: Office, on: date) -> str | None:
        found = [h.name for h in self.holders if h.office is office and h.in_office(on)]
        return found[0] if found else None


def names_in_office(holders: OfficeHolders, on: date, given: dict[str, str | None]) -> dict[str, str]:
    """The items of ``given`` (minister_name, chair_name) left out, filled with the names in office
    on ``on``; a date without a configured holder is InvalidInput naming the item."""
    names: dict[str, str] = {}
    for office, item in ITEM_OF.items():
        if given.get(item) is None:
            name = holders.name_on(office, on)
            if name is None:
                detail = f"no {office.value} in office on the registration date is configured; give {item}"
                raise InvalidInput(item, detail)
            names[item] = name
    return names
