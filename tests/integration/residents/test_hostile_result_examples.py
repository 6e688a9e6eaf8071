"""One hostile result file of each class found, through the worker's entry point against moto:
refused or quarantined with a reason, nothing of it in the register, every person named."""

from __future__ import annotations

import pytest

from ahaki.residents.adapters.jlis_fake import Scenario
from ahaki.residents.domain import jlis_codec
from ahaki.residents.services import sync, sync_results
from ahaki.residents.wiring import fake_jlis
from tests.data import remember
from tests.integration.conftest import Api
from tests.integration.hostile_support import (
    addresses,
    build_chunk,
    deliver,
    first_run,
    joined,
    lines_of,
    quarantine,
    register,
    rewrite_row,
    run_counts,
)


def _month(api: Api, n: int = 3) -> list[tuple[str, str]]:
    people = register(api, n)
    first_run(api)
    return people


def _named(api: Api, run_id: str) -> set[str]:
    return {str(r["qualification_pseudonym_id"]) for r in quarantine(api, run_id) if r["qualification_pseudonym_id"]}


def _remember_fake_values() -> None:
    for resident in fake_jlis()._by_number.values():
        remember({"address": {"line": resident.address}, "name": {"f": resident.name_kanji}})


def _reconciles(api: Api, run_id: str) -> dict[str, object]:
    counts = run_counts(api, run_id)
    assert counts["received"] == counts["unchanged"] + counts["applied"] + counts["findings"] + counts["quarantined"]
    return counts


def test_bytes_that_are_not_utf8_are_quarantined_and_name_the_person(api: Api) -> None:
    people = _month(api)
    chunk = build_chunk()
    lines = lines_of(chunk.answer)
    lines[2] = lines[2][:-3] + b"\xff\xfe" + lines[2][-3:]  # a stray byte inside the second row
    deliver(chunk, joined(lines))
    counts = _reconciles(api, chunk.key.run_id)
    assert counts["quarantined"] == 1 and counts["unanswered"] == 1
    assert _named(api, chunk.key.run_id) == {people[1][0]}


def test_a_shift_jis_file_is_refused_whole(api: Api) -> None:
    _month(api)
    chunk = build_chunk()
    before = addresses(api)
    deliver(chunk, chunk.answer.decode().encode("shift_jis"))
    counts = _reconciles(api, chunk.key.run_id)
    assert counts["unchanged"] == 0 and counts["unanswered"] == 3
    assert addresses(api) == before


def test_a_short_row_after_an_echo_is_quarantined_not_a_crash(api: Api) -> None:
    _month(api)
    chunk = build_chunk()
    lines = lines_of(chunk.answer)
    deliver(chunk, joined([*lines[:2], b"D", *lines[2:]]))
    counts = _reconciles(api, chunk.key.run_id)
    assert counts["received"] == 4 and counts["quarantined"] == 4  # the trailer no longer adds up


def test_numbers_beyond_the_int_string_limit_are_quarantined(api: Api) -> None:
    _month(api)
    chunk = build_chunk()
    lines = lines_of(chunk.answer)
    lines[-1] = b"T," + b"9" * 5000
    deliver(chunk, joined(lines))
    assert _reconciles(api, chunk.key.run_id)["quarantined"] == 3


def test_last_months_file_at_this_months_key_is_refused_whole(api: Api) -> None:
    people = _month(api)
    fake_jlis().dial(people[0][1], Scenario.MOVED)
    remember({"address": {"line": next(iter(addresses(api).values())) + "の2"}})
    last_month = build_chunk()
    this_month = build_chunk()
    before = addresses(api)
    deliver(this_month, last_month.answer)
    counts = _reconciles(api, this_month.key.run_id)
    assert counts["applied"] == 0 and counts["unanswered"] == 3
    assert addresses(api) == before
    assert _named(api, this_month.key.run_id) == {qid for qid, _ in people}


def test_an_answer_with_another_persons_resident_code_is_refused(api: Api) -> None:
    people = _month(api)
    chunk = build_chunk()
    other_code = lines_of(chunk.answer)[2].decode().split(",")[10]
    moved = rewrite_row(
        chunk.answer,
        1,
        lambda f: [*f[:7], "1", f[8], "ADDRESS", other_code, *f[11:15], f[15] + "の9", *f[16:]],
    )
    before = addresses(api)
    deliver(chunk, moved)
    assert addresses(api) == before
    assert _named(api, chunk.key.run_id) == {people[0][0]}


def test_contradicting_answers_for_one_request_refuse_it(api: Api) -> None:
    people = _month(api)
    chunk = build_chunk()
    lines = lines_of(chunk.answer)
    row = lines[1].decode().split(",")
    moved = [*row[:7], "1", "1", "ADDRESS", *row[10:15], row[15] + "の9", *row[16:]]
    deceased = [*row[:8], "2", *row[9:]]
    remember({"address": {"line": row[15] + "の9"}})
    lines[1] = ",".join(moved).encode()
    lines.insert(2, ",".join(deceased).encode())
    lines[-1] = b"T,4"
    before = addresses(api)
    deliver(chunk, joined(lines))
    assert addresses(api) == before
    assert _named(api, chunk.key.run_id) == {people[0][0]}
    _reconciles(api, chunk.key.run_id)


def test_malformed_values_are_quarantined_not_findings(api: Api) -> None:
    people = _month(api)
    chunk = build_chunk()
    data = rewrite_row(chunk.answer, 1, lambda f: [*f[:7], "1", "1", "BIRTH", *f[10:13], "20230230", *f[14:]])
    data = rewrite_row(data, 2, lambda f: [*f[:7], "1", "1", "NAME", f[10], f[11] + "\0", *f[12:]])
    data = rewrite_row(data, 3, lambda f: [*f[:7], "1", "1", "NAME", f[10], "長" * 150_000 + "\u3000名", *f[12:]])
    deliver(chunk, data)
    counts = _reconciles(api, chunk.key.run_id)
    assert counts["findings"] == 0 and counts["quarantined"] == 3
    assert _named(api, chunk.key.run_id) == {qid for qid, _ in people}
    assert api.call("list_sync_findings", role="viewer").body["items"] == []


def test_a_missing_person_is_named(api: Api) -> None:
    people = _month(api)
    chunk = build_chunk()
    lines = lines_of(chunk.answer)
    deliver(chunk, joined([*lines[:2], *lines[3:-1], b"T,2"]))
    counts = _reconciles(api, chunk.key.run_id)
    assert counts["unanswered"] == 1
    assert _named(api, chunk.key.run_id) == {people[1][0]}


def test_a_different_file_resent_to_a_processed_key_is_recorded_not_applied(api: Api) -> None:
    _month(api)
    chunk = build_chunk()
    deliver(chunk, chunk.answer)
    counts = run_counts(api, chunk.key.run_id)
    before = addresses(api)
    moved = rewrite_row(chunk.answer, 1, lambda f: [*f[:7], "1", f[8], "ADDRESS", *f[10:15], f[15] + "の9", *f[16:]])
    deliver(chunk, moved)
    assert addresses(api) == before and run_counts(api, chunk.key.run_id) == counts
    resent = [r for r in quarantine(api, chunk.key.run_id) if "re-sent" in str(r["reason"])]
    assert len(resent) == 1
    deliver(chunk, chunk.answer)  # the same file again: a redelivery, nothing new to record
    assert len([r for r in quarantine(api, chunk.key.run_id) if "re-sent" in str(r["reason"])]) == 1


class _Died(Exception):
    """The worker's process ends here."""


def test_a_file_replaced_while_its_chunk_is_half_processed_is_refused_whole(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = _month(api)
    fake_jlis().dial(people[0][1], Scenario.RENAMED)
    _remember_fake_values()
    chunk = build_chunk()

    def dies(*_: object) -> str:
        raise _Died

    with monkeypatch.context() as patched:
        patched.setattr(sync_results, "_settle", dies)
        with pytest.raises(_Died):
            deliver(chunk, chunk.answer)  # claimed the file, settled nothing, died
    before = addresses(api)
    moved = rewrite_row(chunk.answer, 2, lambda f: [*f[:7], "1", f[8], "ADDRESS", *f[10:15], f[15] + "の9", *f[16:]])
    deliver(chunk, moved)  # another file at the key; the redelivery reads it
    assert addresses(api) == before
    assert _named(api, chunk.key.run_id) == {qid for qid, _ in people}
    assert {r["reason"] for r in quarantine(api, chunk.key.run_id) if r["qualification_pseudonym_id"]} == {
        f"file refused: {sync_results.REPLACED}"
    }
    _reconciles(api, chunk.key.run_id)


def test_a_registrant_the_request_file_cannot_carry_is_named_and_the_rest_asked(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = _month(api)
    # A record the file cannot carry (held from before the register's rules refused such values;
    # the register's model now refuses them on reading too, so the file's rule is stood in for).
    real = jlis_codec.unwritable
    monkeypatch.setattr(
        sync, "unwritable", lambda r: "subject_name_kanji" if r.subject_reference == people[1][0] else real(r)
    )
    chunk = build_chunk()
    assert chunk.request.count(b"\nD,") == 2
    deliver(chunk, chunk.answer)
    counts = _reconciles(api, chunk.key.run_id)
    assert (counts["requested"], counts["unchanged"], counts["unanswered"]) == (2, 2, 1)
    assert _named(api, chunk.key.run_id) == {people[1][0]}
