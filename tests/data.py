"""Synthetic test data. Every personal value handed out is remembered, so the log fixture can
fail any test whose logs contain one of them."""

from __future__ import annotations

import random
from typing import Any

from stdnum.jp import in_

SENSITIVE: set[str] = set()

_FAMILY = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("渡辺", "ワタナベ"),
    ("伊藤", "イトウ"),
]
_GIVEN = [("陽菜", "ヒナ"), ("蓮", "レン"), ("結衣", "ユイ"), ("湊", "ミナト"), ("美咲", "ミサキ"), ("大翔", "ヒロト")]
_rng = random.Random(20261129)


def my_number() -> str:
    body = f"{_rng.randrange(10**11):011d}"
    value = body + str(in_.calc_check_digit(body))
    SENSITIVE.add(value)
    return value


def registration(**overrides: Any) -> dict[str, Any]:
    family, family_kana = _rng.choice(_FAMILY)
    given, given_kana = _rng.choice(_GIVEN)
    suffix = f"{_rng.randrange(1000, 9999)}"
    body: dict[str, Any] = {
        "name": {"family": family, "given": given},
        "name_kana": {"family": family_kana, "given": given_kana},
        "sex": "female",
        "birth_date": "1988-07-14",
        "origin": {"honseki_prefecture": "13"},
        "exam_passed_in": "2012-03",
        "address": {"municipality_code": "131016", "line": f"千代田区霞が関{suffix}番地"},
        "minister_name": "厚生労働大臣 山本一郎",
        "chair_name": "理事長 中村二郎",
        "my_number": my_number(),
    }
    body.update(overrides)
    remember(body)
    return body


def remember(body: dict[str, Any]) -> None:
    """Mark the personal values of a request body as ones that must never be logged."""
    for key in ("name", "name_kana"):
        for part in (body.get(key) or {}).values():
            if isinstance(part, str) and len(part) > 1:
                SENSITIVE.add(part)
    line = (body.get("address") or {}).get("line")
    if isinstance(line, str) and len(line) > 1:
        SENSITIVE.add(line)
    if isinstance(body.get("my_number"), str):
        SENSITIVE.add(body["my_number"])
