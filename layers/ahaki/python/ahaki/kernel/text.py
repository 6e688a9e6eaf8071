"""The characters each kind of text may hold, written once and used by every model that takes text.

Four kinds: a person's name, its kana reading, a single line (subjects, reasons, names of offices,
references) and free text (a notice's body, which may break lines). Whatever the kind, text never
holds what cannot be seen or stored: control characters (NUL, CR/LF outside free text, C1), format
characters (bidi overrides such as U+202E, zero-width joiners, BOM), surrogates, private-use or
unassigned code points, line or paragraph separators, and spaces other than U+0020 and U+3000.
The stored form is kept exactly as sent: nothing is normalised, a wrong character is refused.
"""

from __future__ import annotations

import re
import unicodedata

# Unicode general categories no text may hold (Cc control, Cf format, Cs surrogate, Co private
# use, Cn unassigned or noncharacter, Zl/Zp line and paragraph separators).
_NEVER = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_SPACES = frozenset({" ", "\u3000"})
_LINE_BREAKS = frozenset({"\n", "\r", "\t"})  # free text only
# Names: letters and combining marks (variation selectors pick a registered glyph: 髙, 﨑), plus
# the separators names are written with. No digits, symbols, or half-width katakana.
_NAME_PUNCTUATION = frozenset(" \u3000・-‐'’.")
_HALF_WIDTH_KANA = re.compile(r"[\uff61-\uff9f]")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc\u30fb\u3000]+")  # ァ-ヺ, ー, ・, full-width space
_IDENTIFIER = re.compile(r"[A-Za-z0-9_-]+")


def _unseen(char: str) -> bool:
    category = unicodedata.category(char)
    return category in _NEVER or (category == "Zs" and char not in _SPACES)


def _not_blank(value: str) -> None:
    if not value.strip(" \u3000\n\r\t"):
        raise ValueError("must not be blank")


def single_line(value: str) -> str:
    """One line of visible text: subjects, reasons, notes, names of offices, references."""
    if any(_unseen(char) for char in value):
        raise ValueError("must be one line of visible text (no control, format or bidi characters)")
    _not_blank(value)
    return value


def free_text(value: str) -> str:
    """Visible text that may break lines (LF, CR, tab) and nothing else invisible."""
    if any(_unseen(char) and char not in _LINE_BREAKS for char in value):
        raise ValueError("must be visible text (line breaks allowed; no other control, format or bidi characters)")
    _not_blank(value)
    return value


def person_name(value: str) -> str:
    """A part of a person's name: letters, combining marks, and spaces, ・, hyphens, apostrophes, dots."""
    _not_blank(value)
    for char in value:
        letter_or_mark = unicodedata.category(char)[0] in "LM"
        if not (letter_or_mark or char in _NAME_PUNCTUATION) or _HALF_WIDTH_KANA.match(char):
            raise ValueError("must hold letters only (with spaces, ・, hyphens, apostrophes or dots between them)")
    if unicodedata.category(value[0])[0] != "L":
        raise ValueError("must start with a letter")
    return value


def kana(value: str) -> str:
    """フリガナ: full-width katakana, ー, ・ and the full-width space."""
    if _HALF_WIDTH_KANA.search(value):
        raise ValueError("must be full-width katakana (half-width kana found)")
    if not _KATAKANA.fullmatch(value):
        raise ValueError("must be full-width katakana")
    _not_blank(value)
    return value


def identifier(value: str) -> str:
    """An identifier another system gives us (the portal's pseudonym): ASCII letters, digits, _ and -."""
    if not _IDENTIFIER.fullmatch(value):
        raise ValueError("must be ASCII letters, digits, _ or - only")
    return value


# The same rules as JSON Schema patterns for the OpenAPI document, so a generated client refuses
# what we refuse. ECMA-262 cannot name Unicode categories without the u flag, so these list the
# characters to refuse; the validators above stay the rule (they refuse a little more).
_HIDDEN = r"\u007f-\u009f\u00a0\u00ad\u061c\u1680\u180e\u2000-\u200f\u2028-\u202f" + (
    r"\u205f-\u206f\ufeff\ue000-\uf8ff\ufff0-\uffff"
)
SINGLE_LINE_PATTERN = (
    r"^[^\u0000-\u001f" + _HIDDEN + r"]*[^\s\u0000-\u001f" + _HIDDEN + r"][^\u0000-\u001f" + _HIDDEN + r"]*$"
)
FREE_TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f" + _HIDDEN + r"]*$"
PERSON_NAME_PATTERN = (
    r"^[^\s\u0000-\u0040\u005b-\u0060\u007b-\u00bf\u00d7\u00f7\uff10-\uff19\uff61-\uff9f" + _HIDDEN + r"]"
    r"[^\u0000-\u001f!-&(-,/-@\u005b-\u0060\u007b-\u00bf\u00d7\u00f7\uff10-\uff19\uff61-\uff9f" + _HIDDEN + r"]*$"
)
KANA_PATTERN = r"^[\u30a1-\u30fa\u30fc\u30fb\u3000]*[\u30a1-\u30fa\u30fc\u30fb][\u30a1-\u30fa\u30fc\u30fb\u3000]*$"
IDENTIFIER_PATTERN = r"^[A-Za-z0-9_-]+$"
