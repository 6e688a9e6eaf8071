"""The licences the register holds (あはき法): one register per value."""

from __future__ import annotations

from enum import StrEnum


class Qualification(StrEnum):
    """The licence: one register per value (あはき法 licenses all three, same registration body)."""

    ANMA_MASSAGE_SHIATSU = "anma_massage_shiatsu"
    ACUPUNCTURE = "acupuncture"  # はり師
    MOXIBUSTION = "moxibustion"  # きゆう師

    @property
    def japanese(self) -> str:
        """The licence's name as notices and certificates print it (the register is 「<name>名簿」)."""
        return QUALIFICATION_NAMES[self]


# Today's spelling, as the ministry writes it; the statute's old orthography has きゆう and マツサージ.
QUALIFICATION_NAMES: dict[Qualification, str] = {
    Qualification.ANMA_MASSAGE_SHIATSU: "あん摩マッサージ指圧師",
    Qualification.ACUPUNCTURE: "はり師",
    Qualification.MOXIBUSTION: "きゅう師",
}
