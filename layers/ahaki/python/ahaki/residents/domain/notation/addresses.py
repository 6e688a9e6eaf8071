"""The address equivalence, for two lines of one municipality (the municipality itself is
compared by its 全国地方公共団体コード, never by its name).

A rule set of our own (docs/adr/0161-address-equivalence.md says why no library): width,
spaces, a leading prefecture name, 大字, ケ/ヶ/が and ノ/の in place names, kanji numerals where a
number is meant, dash notations, 丁目/番地/番/号 as hyphens, and the building part reduced to
its numbers. 一番町4-2-101 and 一番町四丁目2番地101 are the same place; 4-2-101 and 4-2-102 are not.
"""

from __future__ import annotations

import re
from importlib.resources import files

from ahaki.residents.domain.notation.names import nfkc
from ahaki.residents.domain.notation.rules import Rules, equivalence, rule

_PREFECTURES = re.compile(
    "^(?:北海道|東京都|京都府|大阪府|"
    "青森県|岩手県|宮城県|秋田県|山形県|福島県|茨城県|栃木県|群馬県|埼玉県|千葉県|神奈川県|新潟県|"
    "富山県|石川県|福井県|山梨県|長野県|岐阜県|静岡県|愛知県|三重県|滋賀県|兵庫県|奈良県|和歌山県|"
    "鳥取県|島根県|岡山県|広島県|山口県|徳島県|香川県|愛媛県|高知県|福岡県|佐賀県|長崎県|熊本県|"
    "大分県|宮崎県|鹿児島県|沖縄県)+"
)
_WHITESPACE = frozenset(c for c in map(chr, range(0x3001)) if c.isspace())  # every one \s matches
_SPACES: dict[int, str | None] = dict.fromkeys(map(ord, _WHITESPACE))
_KANJI_DIGITS = "〇一二三四五六七八九"
_UNITS = {"十": 10, "百": 100, "千": 1000}
_UNIT_SET = frozenset(_UNITS)
_DIGITS = str.maketrans(_KANJI_DIGITS, "0123456789")
# A run of kanji numerals where a number is meant: before 丁目/番地/番/号 or a dash, or after one
# of them or a digit. 番町 and 番丁 are place names (一番町), not a number. Digits are ASCII
# digits only (re.ASCII): a Unicode \d would take ０ even with the width rule turned off. A match
# is a whole run: it begins with a numeral whose previous character is a number's neighbour
# (first alternative) or no numeral (second), and takes every numeral after it. The lookbehinds
# come after the first character, so the engine skips to numerals in C.
_NUMERAL_CHARS = "〇一二三四五六七八九十百千"
_NUMERAL = f"[{_NUMERAL_CHARS}]"
_A_NUMBER = re.compile(
    f"{_NUMERAL}(?:(?<=[目地番号0-9-]{_NUMERAL}){_NUMERAL}*"
    f"|(?<!{_NUMERAL}{_NUMERAL}){_NUMERAL}*(?=丁目|番地|番(?![町丁])|号|-|$))",
    re.ASCII,
)
# Each pattern begins with a character class where it can: the regex engine then skips to the
# candidates in C instead of trying a lookbehind at every position.
_A_NUMBER_HERE = re.compile(f"{_NUMERAL}(?:(?<=[目地番号0-9-]{_NUMERAL})|(?=丁目|番地|番(?![町丁])|号|-|$))", re.ASCII)
_DASH_CHARS = "‐‑‒–—―−ー─━﹣の"
_DASHES = re.compile(f"[{_DASH_CHARS}](?<=\\d.)(?=\\d)", re.ASCII)
# 丁目, 番地(の), 番 (not 番町/番丁) or 号 after a digit; the lookbehind after the marker's first
# character, for the same reason.
_MARKERS = re.compile(r"丁(?<=[0-9]丁)目|番(?<=[0-9]番)(?:地の?|(?![町丁]))|号(?<=[0-9]号)")
_A_MARKER_HERE = re.compile(r"[0-9](?:丁目|番(?![町丁])|号)")
_HYPHEN_RUNS = re.compile(r"-{2,}")
_PLACE_KANA = re.compile(r"[ヶケヵがガノ](?<=\D.)(?=\D)", re.ASCII)
_PLACE_KANA_AS = {"ノ": "の"}  # and ケ for the others
_FIRST_DIGIT = re.compile(r"\d", re.ASCII)
_NUMBERS = re.compile(r"[0-9A-Za-z]+")
# Where the building rule changes a value: after its first digit, a character that is no digit or
# letter, or a hyphen not followed by one (a value already written 4-2-101 does not match).
_NOT_ONLY_NUMBERS = re.compile(r"\A[^0-9]*+[0-9](?:[0-9A-Za-z]|-(?=[0-9A-Za-z]))*+[^0-9A-Za-z]")


def kanji_number(text: str) -> str:
    """一〇一 -> 101, 二十三 -> 23, 百五 -> 105 (positional when a unit is present)."""
    if _UNIT_SET.isdisjoint(text):
        return text.translate(_DIGITS)
    total, current = 0, 0
    for ch in text:
        if ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            current = current * 10 + _KANJI_DIGITS.index(ch)
    return str(total + current)


def without_spaces(value: str) -> str:
    return value.translate(_SPACES)


def without_prefecture(value: str) -> str:
    return _PREFECTURES.sub("", value)


def without_oaza(value: str) -> str:
    while "大字" in value:  # 大大字字 leaves 大字 after one pass
        value = value.replace("大字", "")
    return value


def _place_kana(found: re.Match[str]) -> str:
    return _PLACE_KANA_AS.get(found.group(), "ケ")


def place_kana_folded(value: str) -> str:
    return _PLACE_KANA.sub(_place_kana, value)


def _kanji_number(found: re.Match[str]) -> str:
    return kanji_number(found.group())


def kanji_numerals(value: str) -> str:
    return _A_NUMBER.sub(_kanji_number, value)


def dashes(value: str) -> str:
    return _DASHES.sub("-", value)


def block_markers(value: str) -> str:
    marked = _MARKERS.sub("-", value)
    if marked == value:  # no marker: hyphens as they were (dash notations are another rule's)
        return value
    return (_HYPHEN_RUNS.sub("-", marked) if "--" in marked else marked).rstrip("-")


def building_numbers(value: str) -> str:
    """From the first number on, only the numbers (and letters) count: 4-2 一番町ハイツ101号室 is
    4-2-101. The building's name is not compared; its room number is."""
    first = _FIRST_DIGIT.search(value)
    if first is None:
        return value
    return value[: first.start()] + "-".join(_NUMBERS.findall(value[first.start() :]))


ADDRESS_RULES: Rules = (
    rule("address.width", nfkc, "full-width/half-width digits, letters and kana (Unicode NFKC)", composes=False),
    rule("address.spaces", without_spaces, "spaces ignored", _WHITESPACE, table=_SPACES),
    rule("address.prefecture", without_prefecture, "a leading prefecture name ignored (the code decides)", "道都府県"),
    rule("address.oaza", without_oaza, "大字 ignored", "大"),
    rule(
        "address.place_kana", place_kana_folded, "ケ/ヶ/が and ノ/の in place names (霞ヶ関 = 霞が関)", "ヶケヵがガノ"
    ),
    rule(
        "address.kanji_numerals",
        kanji_numerals,
        "kanji numerals where a number is meant (四丁目 = 4丁目)",
        _A_NUMBER_HERE,
        composes=False,
        chars=_NUMERAL_CHARS,
    ),
    rule(
        "address.dashes",
        dashes,
        "dash notations and の between numbers as a hyphen",
        _DASHES,
        composes=False,
        chars=_DASH_CHARS,
    ),
    rule(
        "address.block_markers",
        block_markers,
        "丁目/番地/番/号 as hyphens (4丁目2番地101 = 4-2-101)",
        _A_MARKER_HERE,
        composes=False,  # only hyphens in place of markers: nothing composes with a hyphen
        chars="丁番号",
    ),
    rule(
        "address.building",
        building_numbers,
        "the building part reduced to its numbers",
        _NOT_ONLY_NUMBERS,
        composes=False,  # digits, letters and hyphens only from the first digit on
    ),
)


# -- the place: municipality by its code, block levels where both sides name them ------------------

_MUNICIPALITY_TABLE = "municipalities.tsv"


def _municipalities() -> tuple[str, dict[str, re.Pattern[str]], dict[str, str]]:
    """Per code, the pattern of a leading municipality name (after an optional prefecture name
    and spaces), and the full name (prefecture and the first name), from ``municipalities.tsv``."""
    version = ""
    found: dict[str, re.Pattern[str]] = {}
    full: dict[str, str] = {}
    for line in files(__package__).joinpath(_MUNICIPALITY_TABLE).read_text(encoding="utf-8").splitlines():
        if line.startswith("# version:"):
            version = line.split(":", 1)[1].strip()
        if not line or line.startswith("#"):
            continue
        code, prefecture, names = line.split("\t")
        alternatives = "|".join(map(re.escape, names.split()))
        found[code] = re.compile(rf"\A\s*(?:{re.escape(prefecture)}\s*)?(?:(?:{alternatives})\s*)+")
        full[code] = prefecture + names.split()[0]
    return version, found, full


MUNICIPALITIES_VERSION, MUNICIPALITIES, MUNICIPALITY_NAMES = _municipalities()
MUNICIPALITY = "address.municipality"
# Listed with the rules (a tenant may turn it off); applied by ``same_place``, which knows the code.
MUNICIPALITY_RULE = rule(
    MUNICIPALITY,
    str,
    f"the municipality's name at the start ignored when its code is known (table {MUNICIPALITIES_VERSION})",
    re.compile("(?!)"),
)


def without_municipality(value: str, code: str) -> str:
    """千代田区一番町4-2 -> 一番町4-2 for 131016 (東京都千代田区 too); as it is for a code not in the table."""
    pattern = MUNICIPALITIES.get(code)
    return value if pattern is None else pattern.sub("", value, count=1)


_LEVEL_MARKED = re.compile(r"([0-9]+)(丁目|番地|番(?![町丁])|号)?")
_LEVEL = {"丁目": "丁目", "番地": "番", "番": "番", "号": "号"}  # 番地 and 番 are one level


def levels(value: str) -> list[str | None]:
    """The level each number of the line is written with (丁目, 番, 号), None for a hyphen or
    nothing: 四丁目2番地101 -> [丁目, 番, None]; 4-2-101 -> [None, None, None]."""
    numbers = dashes(kanji_numerals(nfkc(value)))
    return [_LEVEL.get(m.group(2) or "") for m in _LEVEL_MARKED.finditer(numbers)]


def levels_agree(ours: str, theirs: str) -> bool:
    """Whether no number is written at one level on one side and another on the other: 4丁目2番
    and 4番2号 are two places though both read 4-2 (docs/adr/0181). A hyphen matches any level."""
    if _A_MARKER_HERE.search(ours) is None or _A_MARKER_HERE.search(theirs) is None:
        return True  # the common case: one side written with hyphens only
    return all(a is None or b is None or a == b for a, b in zip(levels(ours), levels(theirs), strict=False))


def same_place(ours: str, theirs: str, code: str, off: frozenset[str] = frozenset()) -> bool:
    """Two lines of one municipality (``code``, compared by the caller) are the same place: the
    municipality's name stripped, the rest equal under the address rules, and no number written
    at two different levels. Not an equivalence (a hyphen matches both 丁目 and 番), so it is a
    check of a pair, never a fold."""
    if ours == theirs:
        return True
    if MUNICIPALITY not in off:
        ours, theirs = without_municipality(ours, code), without_municipality(theirs, code)
    return equivalence(ADDRESS_RULES, off)[0](ours, theirs) and levels_agree(ours, theirs)
