"""Why an uploaded attachment was refused: a rule's name, never a byte of the file (the reason is
audited and logged)."""

from __future__ import annotations

from enum import StrEnum


class AttachmentRefusal(StrEnum):
    NOT_EXPECTED = "not_expected"  # no open application asks for this attachment
    CONTENT_TYPE = "content_type"  # a declared type its rule does not allow
    SIZE = "size"  # larger than its rule allows
    SIGNATURE = "signature"  # does not begin as its declared type
    STRUCTURE = "structure"  # broken inside (a chunk, a segment, a checksum)
    TRUNCATED = "truncated"  # ends before the format's end
    TRAILING_DATA = "trailing_data"  # more bytes after the format's end (another file appended)
    POLYGLOT = "polyglot"  # an archive's end record where archive readers look for it (the last 64 KiB)
    ACTIVE_CONTENT = "active_content"  # a PDF with scripts, launch actions, embedded files or forms
    ENCRYPTED = "encrypted"  # a PDF staff could not read
    TOO_DEEP = "too_deep"  # compressed streams inflating past what is inspected
    MALWARE = "malware"  # the malware scan found a threat in it (GuardDuty, ADR 0290)
