"""Reading an exchange file's bytes into lines: linear, bounded per line, never raising."""

from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING, cast

from botocore.response import StreamingBody
from hypothesis import given, settings
from hypothesis import strategies as st

from ahaki.residents.adapters.jlis_exchange import S3Exchange
from ahaki.residents.domain.jlis_lines import HEAD, OVERLONG, TextLines
from tests.hostile_files import REPEAT, chunks_of

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def _expected(data: bytes, limit: int) -> list[str]:
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return [
        f"{OVERLONG},{line[:HEAD].decode('utf-8', 'surrogateescape')}"
        if len(line) > limit
        else line.decode("utf-8", "surrogateescape")
        for line in lines
    ]


@settings(max_examples=200 * REPEAT, deadline=None)
@given(st.binary(max_size=600), st.integers(1, 40), st.integers(HEAD, 200))
def test_lines_are_the_bytes_split_at_newlines_whatever_the_chunks(data: bytes, chunk: int, limit: int) -> None:
    lines = TextLines(chunks_of(data, chunk), limit)
    assert list(lines) == _expected(data, limit)
    assert lines.digest == hashlib.sha256(data).hexdigest() and lines.size == len(data)


def test_bytes_that_are_not_utf8_come_out_as_surrogates_the_codec_refuses() -> None:
    lines = list(TextLines([b"H,\xff\n", "髙".encode()[:2] + b"\n"]))
    assert lines == ["H,\udcff", "\udce9\udcab"]


class _Client:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def get_object(self, Bucket: str, Key: str) -> dict[str, object]:
        return {"Body": StreamingBody(io.BytesIO(self._data), len(self._data))}


def test_the_exchange_reads_any_bytes_without_raising() -> None:
    data = "H,AHAKI-JLIS-RES\n".encode("shift_jis") + "住所".encode("shift_jis") + b"\n" + b"x" * 100_000 + b"\nT,0"
    exchange = S3Exchange(cast("S3Client", _Client(data)), "bucket")  # the fake has get_object only
    lines = exchange.lines("inbound/t/r/000001.csv")
    assert list(lines) == [
        "H,AHAKI-JLIS-RES",
        "住所".encode("shift_jis").decode("utf-8", "surrogateescape"),
        f"{OVERLONG},{'x' * HEAD}",
        "T,0",
    ]
    assert lines.digest == hashlib.sha256(data).hexdigest()
