"""The notation equivalences: names, readings and addresses written differently are the same
value; a real difference never folds away. Property tests (hypothesis) for the relation itself."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ahaki.residents.domain.notation.addresses import ADDRESS_RULES, kanji_number
from ahaki.residents.domain.notation.kana import KANA_RULES
from ahaki.residents.domain.notation.names import NAME_RULES, VARIANTS, VARIANTS_VERSION
from ahaki.residents.domain.notation.rules import Rules, fold, folded, same, why

ALL = {"name": NAME_RULES, "kana": KANA_RULES, "address": ADDRESS_RULES}


# -- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "resident"),
    [
        ("高橋\u3000一郎", "髙橋\u3000一郎"),
        ("山崎\u3000花子", "山﨑\u3000花子"),
        ("渡辺\u3000恵", "渡邊\u3000惠"),
        ("渡辺\u3000恵", "渡邉\u3000恵"),
        ("斎藤\u3000真", "齋藤\u3000眞"),
        ("斉藤\u3000広", "齊藤\u3000廣"),
        ("吉田\u3000桜", "𠮷田\u3000櫻"),
        ("長沢\u3000徳", "長澤\u3000德"),
        ("浜田\u3000国男", "濱田\u3000國男"),
        ("ABC\u3000太郎", "ＡＢＣ\u3000太郎"),  # full width
        ("辻\u3000太郎", "辻\U000e0100\u3000太郎"),  # an ideographic variation sequence
        ("神田\u3000太郎", "\ufa19田\u3000太郎"),  # a compatibility ideograph (NFKC)
    ],
)
def test_names_written_differently_are_the_same_name(typed: str, resident: str) -> None:
    assert same(typed, resident, NAME_RULES)
    assert why(typed, resident, NAME_RULES)  # and it says which rules folded them


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("高橋\u3000一郎", "鷹橋\u3000一郎"),
        ("斎藤\u3000真", "斉藤\u3000真"),  # distinct characters, distinct surnames
        ("山崎\u3000花子", "山碕\u3000花子"),
        ("佐藤\u3000花子", "佐藤\u3000華子"),
        ("佐藤\u3000花子", "改姓佐\u3000花子"),
    ],
)
def test_different_names_stay_different(ours: str, theirs: str) -> None:
    assert not same(ours, theirs, NAME_RULES)
    assert why(ours, theirs, NAME_RULES) == ()


def test_a_rule_turned_off_no_longer_folds() -> None:
    assert same("高橋", "髙橋", NAME_RULES)
    assert not same("高橋", "髙橋", NAME_RULES, frozenset({"name.variants"}))
    assert same("ABC", "ＡＢＣ", NAME_RULES, frozenset({"name.variants"}))


def test_the_variant_table_is_versioned_and_consistent() -> None:
    assert VARIANTS_VERSION
    representatives = set(VARIANTS.values())
    assert len(VARIANTS) >= 80
    for code, representative in VARIANTS.items():
        variant = chr(code)
        assert variant != representative
        assert ord(representative) not in VARIANTS  # folding twice is folding once
        # NFKC leaves it alone: otherwise the entry would be dead (NFKC runs first)
        assert unicodedata.normalize("NFKC", variant) == variant
    assert "斉" in representatives and "斎" in representatives and VARIANTS.get(ord("斉")) is None


# -- readings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "resident"),
    [
        ("ヤマダ\u3000ハナコ", "やまだ\u3000はなこ"),
        ("ヤマダ\u3000ハナコ", "ﾔﾏﾀﾞ\u3000ﾊﾅｺ"),
        ("ハツトリ\u3000ユウコ", "ハットリ\u3000ユーコ"),
        ("オオタ\u3000キヨシ", "オータ\u3000キヨシ"),
        ("キヤノン", "キャノン"),
    ],
)
def test_readings_written_differently_are_the_same_reading(typed: str, resident: str) -> None:
    assert same(typed, resident, KANA_RULES)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [("ショウジ", "トウカイリン"), ("オオノ", "オウノ"), ("サトウ", "サトオ"), ("カトウ", "ガトウ")],
)
def test_different_readings_stay_different(ours: str, theirs: str) -> None:
    assert not same(ours, theirs, KANA_RULES)


# -- addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "resident"),
    [
        ("千代田区一番町4-2-101", "千代田区一番町四丁目2番地101"),
        ("千代田区一番町4-2-101", "東京都千代田区一番町４－２－１０１"),
        ("千代田区一番町4-2-101", "千代田区一番町 4丁目2番101号"),
        ("千代田区一番町4-2-101", "千代田区一番町四丁目二番一〇一号"),
        ("千代田区霞が関1-1", "千代田区霞ヶ関一丁目1番"),
        ("港区芝公園4-2-8 芝ハイツ101号室", "港区芝公園四丁目2番8号101"),
        ("八千代市大字米本12", "八千代市米本十二番地"),
        ("札幌市中央区北5条西4-7", "札幌市中央区北5条西4丁目7番地"),
        ("高知市丸ノ内1-2-20", "高知市丸の内一丁目2番20号"),
        ("新宿区西新宿2の8の1", "新宿区西新宿2-8-1"),
    ],
)
def test_addresses_written_differently_are_the_same_place(typed: str, resident: str) -> None:
    assert same(typed, resident, ADDRESS_RULES), (fold(typed, ADDRESS_RULES), fold(resident, ADDRESS_RULES))
    assert why(typed, resident, ADDRESS_RULES)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("千代田区一番町4-2-101", "千代田区一番町4-2-102"),
        ("千代田区一番町4-2-101", "千代田区二番町4-2-101"),
        ("千代田区一番町4-2-101", "千代田区一番町4-2"),
        ("千代田区一番町4-2-101", "千代田区一番町四丁目12番地101"),
        ("港区芝公園4-2-8 ハイツA101", "港区芝公園4-2-8 ハイツB101"),
        ("千代田区一番町4-2-101", "千代田区一番町4-2-101の2"),
    ],
)
def test_different_addresses_stay_different(ours: str, theirs: str) -> None:
    assert not same(ours, theirs, ADDRESS_RULES)


@pytest.mark.parametrize(("text", "value"), [("一〇一", "101"), ("二十三", "23"), ("百五", "105"), ("十", "10")])
def test_kanji_numbers(text: str, value: str) -> None:
    assert kanji_number(text) == value


def test_counts_by_rule_name_the_rules_that_folded() -> None:
    assert why("一番町4-2", "一番町四丁目2番", ADDRESS_RULES) == ("address.kanji_numerals", "address.block_markers")
    assert why("一番町4-2", "一番町4-2", ADDRESS_RULES) == ()
    # NFKC changes the separator (U+3000) of both names alike: it is not why they are the same.
    assert why("高橋　一郎", "髙橋　一郎", NAME_RULES) == ("name.variants",)


# -- the relation itself (hypothesis) -----------------------------------------------------------

_MARKS = "\u3099\u309a\u0301ﾞ"  # combining marks: a fold must leave nothing that a second fold composes
_NAME_CHARS = "".join(sorted({*map(chr, VARIANTS), *VARIANTS.values()})) + "田中山川一郎子ＡＢabc\u3000 \ufe00" + _MARKS
_KANA_CHARS = (
    "アイウエオカキクケコサシスタツトナハマヤユヨラワンガザダバパァィゥェォッャュョーあいうかさたはﾔﾏﾀﾞｰ" + _MARKS
)
_ADDRESS_CHARS = (
    "0123456789０１２３一二三四五六七八九十百千〇丁目番地号の-－ー 　大字町区市ケヶがノ東京都西新宿ハイツA室"
)


def _text(alphabet: str) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, max_size=24)


@pytest.mark.parametrize(
    ("rules", "alphabet"),
    [(NAME_RULES, _NAME_CHARS), (KANA_RULES, _KANA_CHARS), (ADDRESS_RULES, _ADDRESS_CHARS)],
    ids=["name", "kana", "address"],
)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_fold_is_an_equivalence_and_idempotent(rules: Rules, alphabet: str, data: st.DataObject) -> None:
    a, b = data.draw(_text(alphabet)), data.draw(_text(alphabet))
    off = frozenset(data.draw(st.sets(st.sampled_from([r.name for r in rules]))))
    assert same(a, a, rules, off) and why(a, a, rules, off) == ()  # reflexive
    assert same(a, b, rules, off) == same(b, a, rules, off)  # symmetric
    assert same(a, b, rules, off) == (fold(a, rules, off) == fold(b, rules, off))  # an equivalence
    assert bool(why(a, b, rules, off)) == (a != b and same(a, b, rules, off))  # a fold always says why
    once = fold(a, rules, off)
    assert fold(once, rules, off) == once  # idempotent
    assert same(a, once, rules, off)  # a value is the same as its canonical form


@pytest.mark.parametrize("rules", [NAME_RULES, KANA_RULES, ADDRESS_RULES], ids=["name", "kana", "address"])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_rule_leaves_a_value_without_its_trigger_as_it_is(rules: Rules, data: st.DataObject) -> None:
    value = data.draw(st.text(alphabet=_NAME_CHARS + _KANA_CHARS + _ADDRESS_CHARS, max_size=24) | st.text(max_size=12))
    for rule in rules:
        if rule.trigger is not None and rule.trigger.search(value) is None:
            assert rule.apply(value) == value, rule.name


_DISTINCT_KANJI = "田中山川林森木村本井上下大小石谷原"


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_real_name_change_is_never_folded_away(data: st.DataObject) -> None:
    family = data.draw(st.text(alphabet=_NAME_CHARS, min_size=1, max_size=6))
    position = data.draw(st.integers(0, len(family)))
    old, new = data.draw(st.lists(st.sampled_from(_DISTINCT_KANJI), min_size=2, max_size=2, unique=True))
    assert not same(
        family[:position] + old + family[position:], family[:position] + new + family[position:], NAME_RULES
    )


@settings(max_examples=300, deadline=None)
@given(
    town=st.sampled_from(["千代田区一番町", "港区芝公園", "八千代市大字米本", "札幌市中央区北5条西"]),
    block=st.lists(st.integers(1, 999), min_size=1, max_size=4),
    other=st.lists(st.integers(1, 999), min_size=1, max_size=4),
    kanji=st.booleans(),
)
def test_a_real_move_is_never_folded_away(town: str, block: list[int], other: list[int], kanji: bool) -> None:
    def written(numbers: list[int]) -> str:
        if not kanji or len(numbers) < 2:
            return town + "-".join(map(str, numbers))
        digits = str.maketrans("0123456789", "〇一二三四五六七八九")
        return f"{town}{str(numbers[0]).translate(digits)}丁目{numbers[1]}番地" + "-".join(map(str, numbers[2:]))

    assert same(written(block), town + "-".join(map(str, block)), ADDRESS_RULES)
    if block != other:
        assert not same(written(block), town + "-".join(map(str, other)), ADDRESS_RULES)


def test_the_lean_compare_agrees_with_classify_row_by_row() -> None:
    import random

    from ahaki.residents.domain.sync import classify, compare
    from benchmarks.sync_notation import _pair, _truth

    rng = random.Random(5)
    kinds = set()
    for n in range(1, 3000):
        request, result = _pair(n, _truth(n, rng), rng)
        for variant in (
            result,
            replace(result, name_kana="タナバ\u3000ハナコ"),
            replace(result, sex="1"),
            replace(result, vital_status="2"),
            replace(result, municipality_code="131032"),
        ):
            assert compare(request, (variant,)) == classify(request, (variant,)).verdict
            kinds.add(compare(request, (variant,)))
    assert len(kinds) >= 7


@pytest.mark.parametrize("rules", [NAME_RULES, KANA_RULES, ADDRESS_RULES], ids=["name", "kana", "address"])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_rule_leaves_a_value_without_its_characters_as_it_is(rules: Rules, data: st.DataObject) -> None:
    value = data.draw(st.text(alphabet=_NAME_CHARS + _KANA_CHARS + _ADDRESS_CHARS, max_size=24) | st.text(max_size=12))
    for rule in rules:
        if rule.chars is not None and rule.chars.isdisjoint(value):
            assert rule.apply(value) == value, rule.name
            assert rule.trigger is None or rule.trigger.search(value) is None, rule.name


@pytest.mark.parametrize(
    ("rules", "alphabet"),
    [(NAME_RULES, _NAME_CHARS), (KANA_RULES, _KANA_CHARS), (ADDRESS_RULES, _ADDRESS_CHARS)],
    ids=["name", "kana", "address"],
)
@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_the_compiled_fold_is_the_rule_by_rule_fold(rules: Rules, alphabet: str, data: st.DataObject) -> None:
    value = data.draw(_text(alphabet + _MARKS + " \u3000\t"))
    off = frozenset(data.draw(st.sets(st.sampled_from([r.name for r in rules]))))
    assert folded(value, rules, off) == fold(value, rules, off)
