"""A PDF attachment: a scan or a printed certificate, never a program. It begins with ``%PDF-``,
ends at its last ``%%EOF`` (white space after it only), is not encrypted (staff must read it), and
names no active content: no JavaScript, launch or submit actions, embedded files, rich media or
XFA forms. Names are read as the format writes them (``#xx`` escapes decoded) in the file and in
every Flate-compressed stream (object streams hide dictionaries there), inflated within a budget
so that a small file cannot make the check inflate gigabytes."""

from __future__ import annotations

import re
import zlib

from ahaki.intake.domain.attachment_refusals import AttachmentRefusal

# Names that make a document act (ISO 32000-2 12.6, 7.11.4, 13): refused wherever they appear.
ACTIVE_NAMES = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"Launch",
        b"SubmitForm",
        b"ImportData",
        b"GoToE",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"RichMedia",
        b"XFA",
    }
)
INFLATE_BUDGET = 64 * 1024 * 1024  # bytes inflated in all, across every stream of one file
MAX_STREAMS = 20_000  # streams inflated per file; a scan has tens, a long text PDF thousands
_TAIL_SPACE = b"\x00\t\n\x0c\r "  # PDF white space (ISO 32000-2 7.2.3)
_DELIMITED = rb"(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])"  # the name ends here (white space, a delimiter)


def _spelt(name: bytes) -> bytes:
    """A pattern of ``/name`` as the format may write it: any character as itself or ``#xx``."""
    ways = []
    for code in name:
        high, low = (b"%02x" % code)[:1], (b"%02x" % code)[1:]
        escaped = b"#[" + high + high.upper() + b"][" + low + low.upper() + b"]"
        ways.append(b"(?:" + re.escape(bytes([code])) + b"|" + escaped + b")")
    return b"/" + b"".join(ways) + _DELIMITED


# Found by the regular expression engine alone: a file of millions of other names costs no more
# than reading it once.
_ACTIVE = re.compile(b"|".join(_spelt(name) for name in sorted(ACTIVE_NAMES)))
_ENCRYPT = re.compile(_spelt(b"Encrypt"))
# After an end marker that is not the last, an incremental update: objects, a cross-reference
# section or a trailer (ISO 32000-2 7.5.6), or a comment; not another file.
_EOF = re.compile(rb"%%EOF")
_UPDATE = re.compile(rb"[\x00\t\n\x0c\r ]*(?:\d+[\x00\t\n\x0c\r ]+\d+[\x00\t\n\x0c\r ]+obj|xref|trailer|startxref|%)")
# A stream whose first two bytes could open zlib data (deflate, a window of at most 32 KiB).
_STREAM = re.compile(rb"stream\r?\n(?=[\x08\x18\x28\x38\x48\x58\x68\x78])")
_PIECE = 64 * 1024


def pdf_refusal(data: bytes, inflate_budget: int = INFLATE_BUDGET) -> AttachmentRefusal | None:
    if not data.startswith(b"%PDF-"):
        return AttachmentRefusal.SIGNATURE
    end = data.rfind(b"%%EOF")
    if end < 0:
        return AttachmentRefusal.TRUNCATED
    if data[end + 5 :].strip(_TAIL_SPACE):
        return AttachmentRefusal.TRAILING_DATA
    if any(not _UPDATE.match(data, found.end()) for found in _EOF.finditer(data, 0, end)):
        return AttachmentRefusal.STRUCTURE  # something other than an update after an end marker
    if _ENCRYPT.search(data):
        return AttachmentRefusal.ENCRYPTED
    if _ACTIVE.search(data):
        return AttachmentRefusal.ACTIVE_CONTENT
    return _streams_refusal(memoryview(data), inflate_budget)


def _streams_refusal(data: memoryview, budget: int) -> AttachmentRefusal | None:
    inflated_streams = 0
    for start in _STREAM.finditer(data):
        if not _zlib_header(data[start.end() : start.end() + 2]):
            continue  # not Flate (an image's own coding, say)
        inflated_streams += 1
        inflated = _inflate(data[start.end() :], budget)
        budget -= len(inflated)
        if budget < 0 or inflated_streams > MAX_STREAMS:
            return AttachmentRefusal.TOO_DEEP
        if _ACTIVE.search(inflated):
            return AttachmentRefusal.ACTIVE_CONTENT
    return None


def _zlib_header(first: memoryview) -> bool:
    """RFC 1950: deflate (method 8), and the two bytes a multiple of 31."""
    return len(first) == 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0


def _inflate(data: memoryview, budget: int) -> bytearray:
    """What a zlib stream beginning at ``data`` inflates to, up to one byte past ``budget`` (so
    the caller sees it run over). Fed in pieces, so a stream broken midway still yields what came
    before the break, as a lenient reader would show it. The stream's own end is where it stops,
    not an ``endstream`` written inside it."""
    inflater = zlib.decompressobj()
    out = bytearray()
    pending: bytes | memoryview = data[:_PIECE]
    at = _PIECE
    while len(out) <= budget:
        try:  # at most a piece at a time, so the peak is the output, not twice it
            out += inflater.decompress(pending, min(budget + 1 - len(out), _PIECE))
        except zlib.error:
            break
        if inflater.eof:
            break
        pending = inflater.unconsumed_tail
        if not pending:
            if at >= len(data):
                break
            pending, at = data[at : at + _PIECE], at + _PIECE
    return out  # searched as it is: a copy would double the peak
