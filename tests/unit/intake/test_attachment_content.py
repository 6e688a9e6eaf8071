"""An attachment's bytes, judged against its declared type: every well-formed file of any size
passes, and every hostile change of one is refused (another type's bytes, a cut, an appended
file, a changed byte in a PNG, active content in a PDF however it is written or compressed), and
no bytes at all make the check raise."""

from __future__ import annotations

import zlib

from hypothesis import example, given
from hypothesis import strategies as st

from ahaki.intake.domain.attachment_content import content_refusal
from ahaki.intake.domain.attachment_refusals import AttachmentRefusal
from ahaki.intake.domain.pdf_content import ACTIVE_NAMES, pdf_refusal
from tests.attachment_files import JPEG, PDF, PNG, jpeg_segment, pdf, png, png_chunk, sample

types = st.sampled_from([PDF, PNG, JPEG])
sizes = st.integers(0, 200_000)
_PDF_SPACE = b"\x00\t\n\x0c\r "


@given(types, sizes)
def test_a_well_formed_file_of_any_size_passes(content_type: str, size: int) -> None:
    assert content_refusal(content_type, sample(content_type, size)) is None


@given(types, types, sizes)
def test_another_types_bytes_are_refused(declared: str, actual: str, size: int) -> None:
    if declared != actual:
        assert content_refusal(declared, sample(actual, size)) is AttachmentRefusal.SIGNATURE


@given(types, sizes, st.binary(min_size=1, max_size=64), st.sampled_from([b"", b"PK\x03\x04", b"<script>"]))
def test_bytes_after_the_end_are_refused(content_type: str, size: int, extra: bytes, prefix: bytes) -> None:
    appended = prefix + extra
    if content_type == PDF and not appended.strip(_PDF_SPACE):
        return  # white space after %%EOF is allowed
    assert content_refusal(content_type, sample(content_type, size) + appended) is not None


@given(types, sizes, st.data())
def test_a_cut_file_is_refused(content_type: str, size: int, data: st.DataObject) -> None:
    whole = sample(content_type, size)
    end = whole.rfind(b"%%EOF") + 5 if content_type == PDF else len(whole)  # a PDF may lose its last newline
    cut = data.draw(st.integers(0, end - 1))
    assert content_refusal(content_type, whole[:cut]) is not None


@given(st.integers(100, 5_000), st.data())
def test_any_changed_byte_of_a_png_is_refused(size: int, data: st.DataObject) -> None:
    whole = png(size)
    at = data.draw(st.integers(0, len(whole) - 1))
    flip = data.draw(st.integers(1, 255))
    changed = whole[:at] + bytes([whole[at] ^ flip]) + whole[at + 1 :]
    assert content_refusal(PNG, changed) is not None


def _written(name: bytes, escaped: list[bool]) -> bytes:
    """A PDF name with any of its characters written as ``#xx``."""
    return b"/" + b"".join(b"#%02X" % c if e else bytes([c]) for c, e in zip(name, escaped, strict=False))


@given(
    name=st.sampled_from(sorted(ACTIVE_NAMES)),
    escaped=st.lists(st.booleans(), min_size=13, max_size=13),
    where=st.sampled_from(["catalog", "page", "object"]),
    size=st.integers(0, 50_000),
)
@example(name=b"JavaScript", escaped=[False] * 13, where="catalog", size=0)
def test_active_content_is_refused_however_it_is_written(
    name: bytes, escaped: list[bool], where: str, size: int
) -> None:
    action = b"<< /S " + _written(name, escaped) + b" >>"
    if where == "page":  # compressed, as an object stream would hide it
        document = pdf(size, content=b"q " + action + b" Q")
    else:
        document = pdf(size)
        if where == "catalog":
            document = document.replace(b"/Pages 2 0 R", b"/Pages 2 0 R /OpenAction " + action, 1)
        else:
            document = document.replace(b"trailer", b"5 0 obj\n" + action + b"\nendobj\ntrailer", 1)
    assert pdf_refusal(document) is AttachmentRefusal.ACTIVE_CONTENT


def test_an_encrypted_pdf_is_refused() -> None:
    document = pdf().replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 9 0 R")
    assert pdf_refusal(document) is AttachmentRefusal.ENCRYPTED


@given(st.integers(1, 4))
def test_a_stream_inflating_past_the_budget_is_refused(factor: int) -> None:
    budget = 10_000
    bomb = b"0" * (budget * factor + 1)
    document = pdf(content=bomb)
    assert pdf_refusal(document, inflate_budget=budget) is AttachmentRefusal.TOO_DEEP
    assert pdf_refusal(document, inflate_budget=len(bomb) + 100) is None
    assert len(zlib.compress(bomb)) < len(bomb) // 50  # small on the wire, large inflated


def test_a_stream_broken_after_its_active_content_is_still_read() -> None:
    """A lenient reader shows what inflated before the break; so does the check."""
    good = zlib.compress(b"<< /S /JavaScript /JS (app.alert(1)) >>" + bytes(range(256)) * 400)
    broken = good[: len(good) // 2] + b"\xff" * 64
    document = pdf().replace(b"trailer", b"5 0 obj\n<< /Length 9 >>\nstream\n" + broken + b"\nendstream\ntrailer", 1)
    assert pdf_refusal(document) is AttachmentRefusal.ACTIVE_CONTENT


@given(types, st.binary(max_size=4096))
def test_no_bytes_make_the_check_raise(content_type: str, data: bytes) -> None:
    refused = content_refusal(content_type, data)
    assert refused is None or isinstance(refused, AttachmentRefusal)


@given(types, st.binary(max_size=64), st.binary(max_size=2048))
def test_a_signature_alone_does_not_pass(content_type: str, junk: bytes, more: bytes) -> None:
    signature = sample(content_type, 0)[:8]
    assert content_refusal(content_type, signature + junk + more) is not None or (
        content_type == PDF and b"%%EOF" in junk + more
    )


def test_an_undeclared_type_is_refused() -> None:
    assert content_refusal("text/html", b"<html></html>") is AttachmentRefusal.SIGNATURE


@given(st.binary(max_size=64).filter(lambda b: not b.lstrip(b"\x00\t\n\x0c\r ")[:1].isdigit()), sizes)
def test_another_file_before_a_second_end_marker_is_refused(between: bytes, size: int) -> None:
    """Bytes appended after %%EOF and closed by another %%EOF: only an incremental update may be there."""
    document = pdf(size) + b"HOSTILE" + between + b"\n%%EOF\n"
    assert pdf_refusal(document) is AttachmentRefusal.STRUCTURE


@given(sizes)
def test_an_incremental_update_passes(size: int) -> None:
    update = b"5 0 obj\n<< /Producer (scanner) >>\nendobj\nxref\n0 1\ntrailer\n<< /Root 1 0 R /Prev 0 >>\n%%EOF\n"
    assert pdf_refusal(pdf(size) + update) is None


@given(types, sizes, st.binary(max_size=18))
def test_an_archive_end_record_where_readers_look_is_refused(content_type: str, size: int, comment: bytes) -> None:
    """A ZIP end record near the end makes the file an archive too, however well-formed it is
    otherwise: in a PNG's private chunk, a JPEG's comment segment, a PDF's comment."""
    record = b"PK\x05\x06" + comment.replace(b"\n", b" ")
    whole = sample(content_type, size)
    if content_type == PNG:  # a chunk of its own before IEND
        polyglot = whole[:-12] + png_chunk(b"zipP", record) + whole[-12:]
    elif content_type == JPEG:  # a comment segment before EOI
        polyglot = whole[:-2] + jpeg_segment(0xFE, record) + whole[-2:]
    else:  # a comment line before the trailer
        polyglot = whole.replace(b"trailer", b"%" + record + b"\ntrailer", 1)
    assert content_refusal(content_type, whole) is None
    assert content_refusal(content_type, polyglot) is AttachmentRefusal.POLYGLOT
