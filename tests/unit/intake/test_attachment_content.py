"""An attachment's bytes, judged against its declared type: every well-formed file of any size
passes, and every hostile change of one is refused (another type's bytes, a cut, an appended
file, a changed byte in a PNG, active content in a PDF however it is written, compressed or
encoded by a chain of filters), and no bytes at all make the check raise."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ahaki.intake.domain.attachment_content import content_refusal
from ahaki.intake.domain.attachment_refusals import AttachmentRefusal
from ahaki.intake.domain.pdf_content import ACTIVE_NAMES, pdf_refusal
from tests.attachment_files import (
    ENCODERS,
    JPEG,
    PDF,
    PNG,
    SHORT,
    encoded,
    jpeg_segment,
    lzw,
    object_stream,
    pdf,
    pdf_with_stream,
    png,
    png_chunk,
    sample,
)

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


# The tests' encoders (LZW's above all) are Python loops: no deadline, as they are slow beside the check.
encoding = settings(deadline=None)
filters = st.sampled_from(sorted(ENCODERS))
chains = st.lists(filters, min_size=1, max_size=3)


@st.composite
def written_chains(draw: st.DrawFn, chain: list[bytes]) -> bytes:
    """``/Filter`` with ``chain`` as a writer may put it: a name or an array, full or short names,
    any character ``#xx``-escaped, with decode parameters that change nothing."""
    names = [draw(st.sampled_from([name, SHORT[name]])) for name in chain]
    names = [_written(name, draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))) for name in names]
    value = names[0] if len(names) == 1 and draw(st.booleans()) else b"[" + b" ".join(names) + b"]"
    parameters = draw(
        st.sampled_from([b"", b"/DecodeParms << /Predictor 1 >>", b"/DecodeParms [" + b"null " * 3 + b"]"])
    )
    return b"/Filter " + value + b" " + parameters


@encoding
@given(
    name=st.sampled_from(sorted(ACTIVE_NAMES)),
    escaped=st.lists(st.booleans(), min_size=13, max_size=13),
    chain=chains,
    data=st.data(),
    size=st.integers(0, 20_000),
)
def test_active_content_behind_any_filter_chain_is_refused(
    name: bytes, escaped: list[bool], chain: list[bytes], data: st.DataObject, size: int
) -> None:
    """An object stream whose object is an open action, behind 1-3 of the standard filters."""
    action = b"<< /Type /Catalog /OpenAction << /S " + _written(name, escaped) + b" (app.alert(1)) >> >>"
    dictionary = b"/Type /ObjStm /N 1 /First 4 " + data.draw(written_chains(chain))
    document = pdf_with_stream(dictionary, encoded(object_stream(action), chain), size)
    assert pdf_refusal(document) is AttachmentRefusal.ACTIVE_CONTENT


@encoding
@given(chain=chains, data=st.data(), size=st.integers(0, 20_000), text=st.binary(max_size=2_000))
def test_an_honest_file_encoded_by_any_filter_chain_passes(
    chain: list[bytes], data: st.DataObject, size: int, text: bytes
) -> None:
    content = b"BT /F1 12 Tf (" + text.replace(b"/", b"").replace(b"%", b"") + b") Tj ET"
    document = pdf_with_stream(data.draw(written_chains(chain)), encoded(content, chain), size)
    assert pdf_refusal(document) is None


@encoding
@given(chain=chains, data=st.data(), cut=st.integers(0, 10_000), junk=st.binary(max_size=64))
def test_a_broken_encoding_never_raises(chain: list[bytes], data: st.DataObject, cut: int, junk: bytes) -> None:
    """Cut anywhere and followed by anything, or flipped: a verdict, never an exception."""
    stream = encoded(b"<< /S /GoTo >> " + bytes(range(256)) * 8, chain)
    at = data.draw(st.integers(0, len(stream) - 1))
    broken = [stream[: cut % len(stream)] + junk, stream[:at] + bytes([stream[at] ^ 0x5A]) + stream[at + 1 :]]
    for body in broken:
        refused = pdf_refusal(pdf_with_stream(data.draw(written_chains(chain)), body))
        assert refused is None or isinstance(refused, AttachmentRefusal)


@encoding
@given(chain=chains, factor=st.integers(1, 3))
def test_a_stream_decoding_past_the_budget_is_refused_through_any_chain(chain: list[bytes], factor: int) -> None:
    budget = 20_000
    bomb = bytes(budget * factor + 1)
    stages = [bomb]
    for name in reversed(chain):
        stages.append(ENCODERS[name](stages[-1]))
    document = pdf_with_stream(b"/Filter [/" + b" /".join(chain) + b"]", stages[-1])
    assert pdf_refusal(document, inflate_budget=budget) is AttachmentRefusal.TOO_DEEP
    assert pdf_refusal(document, inflate_budget=2 * sum(map(len, stages))) is None


@pytest.mark.parametrize(("name", "ratio"), [(b"FlateDecode", 500), (b"LZWDecode", 50), (b"RunLengthDecode", 30)])
def test_a_small_stream_decoding_to_the_whole_budget_is_refused(name: bytes, ratio: int) -> None:
    """The bombs each filter allows: a stream a fraction of the budget's size is still stopped."""
    budget = 200_000
    stream = ENCODERS[name](bytes(budget + 1))
    assert len(stream) < budget // ratio
    assert (
        pdf_refusal(pdf_with_stream(b"/Filter /" + name, stream), inflate_budget=budget) is AttachmentRefusal.TOO_DEEP
    )


@pytest.mark.parametrize("stream", [b"\x00a" * 3_000, lzw(bytes(range(256)) * 12)])
def test_a_stream_of_many_small_codes_or_runs_is_stopped_by_the_steps(stream: bytes) -> None:
    """LZW and RunLength decode by a loop per code or run: their number is bounded too."""
    name = b"/RunLengthDecode" if stream[:2] == b"\x00a" else b"/LZWDecode"
    document = pdf_with_stream(b"/Filter " + name, stream)
    assert pdf_refusal(document, steps=1_000) is AttachmentRefusal.TOO_DEEP
    assert pdf_refusal(document, steps=10_000) is None


def test_an_lzw_stream_widening_its_codes_late_is_read_as_its_dictionary_says() -> None:
    objects = object_stream(bytes(range(256)) * 4 + b"<< /OpenAction << /S /JavaScript >> >>")
    late = pdf_with_stream(b"/Filter /LZWDecode /DecodeParms << /EarlyChange 0 >>", lzw(objects, early_change=0))
    assert pdf_refusal(late) is AttachmentRefusal.ACTIVE_CONTENT


@pytest.mark.parametrize(
    "dictionary",
    [
        b"/Filter /ASCIIHexDecode /Filter /FlateDecode",  # a key written twice: viewers differ on which one counts
        b"/Filter /FlateDecode /F /ASCIIHexDecode",  # /F, which lenient viewers read as the filter
        b"/DecodeParms << /Filter /FlateDecode >> /Filter /ASCIIHexDecode",  # a nested key is not the filter
        b"/Title (a string with ) inside \\) and (nested) parentheses /Filter /FlateDecode) /Filter /AHx",
        b"% a comment /Filter /FlateDecode\n/Filter /AHx",
        b"/ID <01 < 02> /A > /Filter /AHx",  # a hex string ends at >; a lone > is a value to pdf.js
        b"/A { /Filter /AHx",  # braces nest nothing in a dictionary
        b"/A ] /Filter /AHx",  # a stray bracket is a value to pdf.js
        b"/A [ << >> ] /B << /C [ ] >> /Filter /AHx",
        b"/Filter [/Crypt /AHx]",  # an unknown or crypt filter passes the data on, as pdf.js does
        b"/Filter [/NotAFilter /AHx]",
    ],
)
def test_the_filter_a_viewer_reads_is_the_one_decoded(dictionary: bytes) -> None:
    document = pdf_with_stream(dictionary, encoded(b"<< /S /Launch >>", [b"ASCIIHexDecode"]))
    assert pdf_refusal(document) is AttachmentRefusal.ACTIVE_CONTENT


@pytest.mark.parametrize(
    "dictionary",
    [
        b"/Filter 9 0 R",
        b"/F << /FS /URL >> /Filter /AHx",
        b"/F (external.dat)",
        b"/Filter [/AHx << /Filter /Fl >> ]",
        b"/Filter [/AHx 9 0 R]",
        b"/Type /ObjStm /N 1 /First 4 /Filter /AHx /DecodeParms << /Predictor 12 /Columns 4 >>",
        b"/N 1 /F#69rst 4 /Filter /AHx /DecodeParms [<< /Pr#65dictor 2 >>]",
    ],
)
def test_a_filter_written_other_than_by_names_is_refused(dictionary: bytes) -> None:
    """Honest writers put the filter in the stream's dictionary, by name; a reference, a file
    specification, a dictionary in the array are not followed. Nor is a predictor on an object
    stream (a PNG row's filter byte can split a name), which honest writers do not use."""
    document = pdf_with_stream(dictionary, encoded(b"BT ET", [b"ASCIIHexDecode"]))
    assert pdf_refusal(document) is AttachmentRefusal.STRUCTURE


def test_a_chain_is_decoded_up_to_an_image_filter() -> None:
    """A JPEG behind ASCII85: decoded to the JPEG, searched as the raw file is, not decoded further."""
    image = encoded(jpeg_segment(0xFE, b"/JavaScript") + bytes(range(256)), [b"ASCII85Decode"])
    document = pdf_with_stream(b"/Subtype /Image /Filter [/A85 /DCTDecode]", image)
    assert pdf_refusal(document) is AttachmentRefusal.ACTIVE_CONTENT  # the name is in the JPEG's bytes
    assert (
        pdf_refusal(pdf_with_stream(b"/Filter [/A85 /DCT]", encoded(bytes(range(256)) * 4, [b"ASCII85Decode"]))) is None
    )


@pytest.mark.parametrize("parameters", [b"<< /Predictor 12 /Columns 5 >>", b"[null << /Predictor 2 >>]"])
def test_a_predictor_outside_an_object_stream_passes(parameters: bytes) -> None:
    """Cross-reference streams and images use predictors: they are not refused for it."""
    document = pdf_with_stream(
        b"/Type /XRef /W [1 2 2] /Filter /Fl /DecodeParms " + parameters, zlib.compress(bytes(50))
    )
    assert pdf_refusal(document) is None


@pytest.mark.parametrize("line_end", [b"\r\n", b"\r", b"", b"   \n", b" \r\n", b" % a viewer skips to the next line\n"])
@pytest.mark.parametrize("name", [b"LZWDecode", b"RunLengthDecode", b"FlateDecode"])
def test_a_stream_is_read_from_wherever_a_viewer_takes_its_data_to_begin(line_end: bytes, name: bytes) -> None:
    """After ``stream``: its end of line, spaces then one (MuPDF), or anything up to one (pdf.js)."""
    objects = encoded(object_stream(b"<< /OpenAction << /S /JavaScript >> >>"), [name])
    document = pdf_with_stream(b"/Type /ObjStm /N 1 /First 4 /Filter /" + name, objects, line_end=line_end)
    assert pdf_refusal(document) is AttachmentRefusal.ACTIVE_CONTENT


@pytest.mark.parametrize("line_end", [b"\n", b"\r\n"])
def test_a_stream_decoding_to_exactly_the_budget_passes(line_end: bytes) -> None:
    """Only the bytes decoded count for an honest stream: not the dictionary, not its line end."""
    content = bytes(30_000)
    document = pdf_with_stream(b"/Filter /FlateDecode", zlib.compress(content), line_end=line_end)
    page = len(b"BT /F1 12 Tf (scan) Tj ET")  # the page's own stream
    assert pdf_refusal(document, inflate_budget=len(content) + page) is None
    assert pdf_refusal(document, inflate_budget=len(content) + page - 1) is AttachmentRefusal.TOO_DEEP
