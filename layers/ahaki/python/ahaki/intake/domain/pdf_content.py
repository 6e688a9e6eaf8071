"""A PDF attachment: a scan or a printed certificate, never a program. It begins with ``%PDF-``,
ends at its last ``%%EOF`` (white space after it only), is not encrypted (staff must read it), and
names no active content: no JavaScript, launch or submit actions, embedded files, rich media or
XFA forms. Names are read as the format writes them (``#xx`` escapes decoded) in the file and in
every stream (object streams hide dictionaries there), decoded by its dictionary's filter chain
(``pdf_streams``, ``pdf_filters``), and inflated when it opens as zlib data whatever its dictionary
says (a lenient viewer may), all within one budget so that a small file cannot make the check
decode gigabytes or loop for long."""

from __future__ import annotations

import re

from ahaki.intake.domain.attachment_refusals import AttachmentRefusal
from ahaki.intake.domain.pdf_filters import Budget, decode, inflate
from ahaki.intake.domain.pdf_streams import streams

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
INFLATE_BUDGET = 64 * 1024 * 1024  # bytes decoded in all, across every stream of one file
MAX_STREAMS = 20_000  # streams decoded per file; a scan has tens, a long text PDF thousands
# Steps of Python loops per file (dictionary tokens, string parentheses, LZW codes, runs): a second
# or two of work. An LZW stream of up to about 4.5 MB fits (a code is 9 to 12 bits).
MAX_STEPS = 3_000_000
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


def pdf_refusal(data: bytes, inflate_budget: int = INFLATE_BUDGET, steps: int = MAX_STEPS) -> AttachmentRefusal | None:
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
    return _streams_refusal(data, Budget(inflate_budget, MAX_STREAMS, steps))


def _streams_refusal(data: bytes, budget: Budget) -> AttachmentRefusal | None:
    view = memoryview(data)
    inflated: set[int] = set()  # starts decoded by a chain beginning with Flate: not inflated twice
    for stream in streams(data, budget):
        if stream.unreadable:
            return AttachmentRefusal.STRUCTURE  # a filter we cannot follow
        for start in stream.starts:
            for chain in stream.chains:
                if chain[:1] == (b"FlateDecode",):
                    inflated.add(start)
                for early_change in (1, 0) if stream.early_change_zero else (1,):
                    budget.streams -= 1
                    decoded = decode(view[start:], chain, budget, early_change)
                    if budget.spent():
                        return AttachmentRefusal.TOO_DEEP
                    if _ACTIVE.search(decoded):
                        return AttachmentRefusal.ACTIVE_CONTENT
    if budget.spent():
        return AttachmentRefusal.TOO_DEEP
    for found in _STREAM.finditer(data):
        if found.end() in inflated or not _zlib_header(view[found.end() : found.end() + 2]):
            continue  # decoded by its filters, or not Flate (an image's own coding, say)
        budget.streams -= 1
        decoded = inflate(view[found.end() :], budget)
        if budget.spent():
            return AttachmentRefusal.TOO_DEEP
        if _ACTIVE.search(decoded):
            return AttachmentRefusal.ACTIVE_CONTENT
    return None


def _zlib_header(first: memoryview) -> bool:
    """RFC 1950: deflate (method 8), and the two bytes a multiple of 31."""
    return len(first) == 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
