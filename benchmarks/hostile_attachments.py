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
from tests.attachment_files import JPEG, PDF, PNG, jpeg, pdf, png, png_chunk, sample

Figures = list[tuple[str, str]]
_LARGEST = 10_000_000  # the attachment rules' largest document
_TYPES = (PDF, PNG, JPEG)


def _escaped(name: bytes, rng: random.Random) -> bytes:
    return b"/" + b"".join(b"#%02x" % c if rng.random() < 0.3 else bytes([c]) for c in name)


def _hostile(rng: random.Random) -> tuple[str, bytes]:
    """One hostile variant of a well-formed file, as the declared type and the bytes."""
    declared = rng.choice(_TYPES)
    whole = sample(declared, rng.randint(0, 50_000))
    kind = rng.choice(["other type", "appended", "cut", "flip", "active", "archive"])
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
