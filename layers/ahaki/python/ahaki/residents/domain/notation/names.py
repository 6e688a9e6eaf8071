"""The name equivalence: Unicode normalisation (NFKC, which also folds full-width and half-width
forms and compatibility ideographs), variation selectors dropped (IVS), and variant characters
folded to a representative with the table in ``variants.tsv`` (its source and version are in its
header). 髙橋 and 高橋 are the same name; 高橋 and 鷹橋 are not.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import partial
from importlib.resources import files

from ahaki.residents.domain.notation.rules import Rules, rule

_TABLE = "variants.tsv"
_SELECTOR_CODES = [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]  # SVS and IVS variation selectors
_SELECTORS: dict[int, str | None] = dict.fromkeys(_SELECTOR_CODES)


def _load() -> tuple[str, dict[int, str]]:
    version = ""
    table: dict[int, str] = {}
    for line in files(__package__).joinpath(_TABLE).read_text(encoding="utf-8").splitlines():
        if line.startswith("# version:"):
            version = line.split(":", 1)[1].strip()
        if not line or line.startswith("#"):
            continue
        representative, variants = line.split("\t")
        table.update({ord(v): representative for v in variants.split()})
    return version, table


VARIANTS_VERSION, VARIANTS = _load()


# A partial of the C function, not a def: no Python frame per call in the sync's hot path.
nfkc: Callable[[str], str] = partial(unicodedata.normalize, "NFKC")


def without_selectors(value: str) -> str:
    return value.translate(_SELECTORS)


def variants_folded(value: str) -> str:
    return value.translate(VARIANTS)


NAME_RULES: Rules = (
    rule("name.nfkc", nfkc, "Unicode NFKC: full-width/half-width forms and compatibility ideographs", composes=False),
    rule(
        "name.ivs",
        without_selectors,
        "ideographic variation selectors (IVS/SVS) dropped",
        frozenset(map(chr, _SELECTOR_CODES)),
        table=_SELECTORS,
    ),
    rule(
        "name.variants",
        variants_folded,
        f"variant characters folded (table {VARIANTS_VERSION})",
        frozenset(map(chr, VARIANTS)),
        composes=False,
        table=VARIANTS,
    ),
)
