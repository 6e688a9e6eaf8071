"""Figures of hostile attachments: how many hostile variants of well-formed files pass the content
checks (target 0), how many make them raise (target 0), and the seconds the checks take over the
largest file the rules allow, for honest files and for files built to make them slow.

python -m benchmarks.hostile_attachments          # ATTACHMENT_BENCH_EXAMPLES=2000 for more examples
"""

from __future__ import annotations

import os
import random
import time
import tracemalloc
import zlib
from collections.abc import Callable

import benchmarks  # noqa: F401 - puts the layer and the repository on sys.path
from ahaki.intake.domain.attachment_content import content_refusal
from ahaki.intake.domain.pdf_content import ACTIVE_NAMES, INFLATE_BUDGET
from tests.attachment_files import (
    ENCODERS,
    JPEG,
    PDF,
    PNG,
    encoded,
    jpeg,
    object_stream,
    pdf,
    pdf_with_stream,
    png,
    png_chunk,
    sample,
)

Figures = list[tuple[str, str]]
_LARGEST = 10_000_000  # the attachment rules' largest document
_TYPES = (PDF, PNG, JPEG)


def _escaped(name: bytes, rng: random.Random) -> bytes:
    return b"/" + b"".join(b"#%02x" % c if rng.random() < 0.3 else bytes([c]) for c in name)


def _hostile(rng: random.Random) -> tuple[str, bytes]:
    """One hostile variant of a well-formed file, as the declared type and the bytes."""
    declared = rng.choice(_TYPES)
    whole = sample(declared, rng.randint(0, 50_000))
    kind = rng.choice(["other type", "appended", "cut", "flip", "active", "archive", "chain"])
    if kind == "other type":
        return declared, sample(rng.choice([t for t in _TYPES if t != declared]), rng.randint(0, 50_000))
    if kind == "appended":
        if declared == PDF and rng.random() < 0.5:  # closed by an end marker, as if an update (a comment
            # line there would be one: PDF syntax, not another file)
            return declared, whole + rng.choice([b"PK\x03\x04", b"<script>", b"MZ"]) + rng.randbytes(8) + b"\n%%EOF\n"
        return declared, whole + rng.choice([b"PK\x03\x04", b"<script>", b"MZ", b"%"]) + rng.randbytes(8)
    if kind == "archive" and declared == PDF:  # a ZIP's end record in a comment before the trailer
        return declared, whole.replace(b"trailer", b"%PK\x05\x06" + bytes(18) + b"\ntrailer", 1)
    end = whole.rfind(b"%%EOF") + 5 if declared == PDF else len(whole)
    if kind == "cut":
        return declared, whole[: rng.randrange(end)]
    if kind == "flip" and declared == PNG:
        at = rng.randrange(len(whole))
        return declared, whole[:at] + bytes([whole[at] ^ rng.randint(1, 255)]) + whole[at + 1 :]
    action = b"<< /S " + _escaped(rng.choice(sorted(ACTIVE_NAMES)), rng) + b" >>"
    if kind == "chain":  # an object stream behind 1-3 of the standard filters
        chain = [rng.choice(sorted(ENCODERS)) for _ in range(rng.randint(1, 3))]
        data = encoded(object_stream(b"<< /Type /Catalog /OpenAction " + action + b" >>"), chain)
        dictionary = b"/Type /ObjStm /N 1 /First 4 /Filter [/" + b" /".join(chain) + b"]"
        return PDF, pdf_with_stream(dictionary, data, rng.randint(0, 50_000))
    if rng.random() < 0.5:
        return PDF, pdf(rng.randint(0, 50_000), content=b"q " + action + b" Q")  # compressed
    return PDF, pdf(rng.randint(0, 50_000)).replace(b"trailer", b"9 0 obj " + action + b" endobj\ntrailer")


def hostile_figures(examples: int) -> Figures:
    rng = random.Random(20261203)
    passed = raised = 0
    for _ in range(examples):
        declared, data = _hostile(rng)
        try:
            passed += content_refusal(declared, data) is None
        except Exception:
            raised += 1
    return [
        ("hostile attachments: examples judged", f"{examples:,}"),
        ("hostile attachments: passed the checks (target 0)", str(passed)),
        ("hostile attachments: exceptions escaping (target 0)", str(raised)),
    ]


def _lzw_clears(size: int) -> bytes:
    """LZW codes of 9 bits, a clear code before each one: the most codes a byte can hold, each
    decoding to one byte."""
    nine_bytes = int("".join(f"{code:09b}" for code in [256, 97] * 4), 2).to_bytes(9, "big")
    return nine_bytes * (size // 9)


def _noise(size: int) -> bytes:
    return random.Random(size).randbytes(size)  # as incompressible as a scan's pixels


def _filtered(name: bytes, data: bytes) -> bytes:
    """A PDF of about the largest size: one stream of ``data`` behind the filter ``name``."""
    return pdf_with_stream(b"/Filter " + (name if name[:1] == b"[" else b"/" + name), data[: _LARGEST - 400])


def _slow_files() -> dict[str, tuple[str, bytes]]:
    """Files of the largest size, honest and built against the checks' loops."""
    tiny_png = png(100)
    return {
        "an honest PDF": (PDF, pdf(_LARGEST)),
        "an honest PNG": (PNG, png(_LARGEST)),
        "an honest JPEG": (JPEG, jpeg(_LARGEST)),
        "a PDF of 1.4 M 'stream' lines": (PDF, b"%PDF-1.7\n" + b"stream\n" * (_LARGEST // 7) + b"%%EOF\n"),
        "a PDF of 0.5 M zlib streams": (
            PDF,
            b"%PDF-1.7\n" + (b"stream\n" + zlib.compress(b"x")) * (_LARGEST // 18) + b"%%EOF\n",
        ),
        "a PDF of 1.4 M end markers": (PDF, b"%PDF-1.7\n" + b"%%EOF\n%" * (_LARGEST // 7) + b"%%EOF\n"),
        "a PDF of 5 M names": (PDF, b"%PDF-1.7\n" + b"/J" * (_LARGEST // 2) + b"%%EOF\n"),
        "a PDF of 5 M RunLength runs of one byte": (PDF, _filtered(b"RunLengthDecode", b"\x00a" * (_LARGEST // 2))),
        "a PDF of 8.9 M 9-bit LZW codes, every other one a clear": (
            PDF,
            _filtered(b"LZWDecode", _lzw_clears(_LARGEST)),
        ),
        "a PDF of 10 M ASCIIHex digits": (PDF, _filtered(b"ASCIIHexDecode", b"61" * (_LARGEST // 2))),
        "a PDF of 10 M ASCIIHex spaces": (PDF, _filtered(b"ASCIIHexDecode", b" " * _LARGEST)),
        "a PDF of 10 M ASCII85 'z' (40 MB of zeros)": (PDF, _filtered(b"ASCII85Decode", b"z" * _LARGEST)),
        "an honest PDF of one LZW stream of 4 MB": (
            PDF,
            _filtered(b"LZWDecode", ENCODERS[b"LZWDecode"](_noise(2_900_000))),
        ),
        "an honest PDF of one LZW stream of 7 MB (past the steps)": (
            PDF,
            _filtered(b"LZWDecode", ENCODERS[b"LZWDecode"](_noise(5_000_000))),
        ),
        "an honest PDF of one ASCII85-Flate stream of 10 MB": (
            PDF,
            _filtered(b"[/A85 /Fl]", encoded(_noise(7_500_000), [b"ASCII85Decode", b"FlateDecode"])),
        ),
        "a PDF of 3.3 M dictionary names": (
            PDF,
            b"%PDF-1.7\n1 0 obj\n<<" + b"/a " * (_LARGEST // 3) + b">>\nstream\n%%EOF\n",
        ),
        "a PDF of 10 M nested arrays": (PDF, b"%PDF-1.7\n1 0 obj\n<< /a " + b"[" * _LARGEST + b">>\nstream\n%%EOF\n"),
        "a PDF of 2.5 M hex strings with a < inside": (
            PDF,
            b"%PDF-1.7\n1 0 obj\n<<" + b"< <>" * (_LARGEST // 4) + b">>\nstream\n%%EOF\n",
        ),
        "a PDF of a string of 10 M nested parentheses": (
            PDF,
            b"%PDF-1.7\n1 0 obj\n<< /a " + b"(" * _LARGEST + b">>\nstream\n%%EOF\n",
        ),
        "a PDF of 0.3 M ASCII85 streams over one another": (
            PDF,
            b"%PDF-1.7\n" + b"1 0 obj<</Filter/A85>>stream\n" * (_LARGEST // 30) + b"%%EOF\n",
        ),
        "a PNG of 0.8 M empty chunks": (
            PNG,
            tiny_png[:33] + png_chunk(b"prVt", b"") * (_LARGEST // 12) + tiny_png[33:],
        ),
        "a JPEG scan of 5 M stuffed bytes": (
            JPEG,
            jpeg(1000)[:-2].replace(b"\xff\x00\x56", b"\xff\x00" * (_LARGEST // 2)) + b"\xff\xd9",
        ),
        "a JPEG of 10 M fill bytes": (
            JPEG,
            jpeg(1000)[:-2].replace(b"\xff\x00\x56", b"\xff\xff" * (_LARGEST // 2)) + b"\xff\xd9",
        ),
    }


def _seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def timing_figures() -> Figures:
    figures: Figures = []
    for name, (declared, data) in _slow_files().items():
        took = min(_seconds(lambda: content_refusal(declared, data)) for _ in range(3))  # noqa: B023
        verdict = content_refusal(declared, data) or "passes"
        figures.append((f"checking {name} ({len(data) / 1e6:.0f} MB): s, best of 3 ({verdict})", f"{took:.2f}"))
    return figures


def memory_figures() -> Figures:
    """The most a file can make the check hold: one stream inflating to the whole budget."""
    bomb = pdf(content=b"0" * INFLATE_BUDGET)
    tracemalloc.start()
    verdict = content_refusal(PDF, bomb) or "passes"
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    name = f"peak memory checking a {len(bomb) // 1024} KB PDF inflating to the budget, MB ({verdict})"
    return [(name, f"{peak / 1e6:.0f}")]


def run() -> Figures:
    examples = int(os.environ.get("ATTACHMENT_BENCH_EXAMPLES", "1000"))
    return [*hostile_figures(examples), *timing_figures(), *memory_figures()]


if __name__ == "__main__":
    for name, value in run():
        print(f"{name}: {value}")
