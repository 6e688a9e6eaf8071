"""moto in one process, the measured code in another: botocore requests travel over a pipe.

A figure of memory must not count moto's tables (they live in AWS, not in the Lambda). The host
process runs moto (``emulated_aws``) and answers each request with moto's own dispatcher; the
measured child, started fresh, sends every botocore request through a ``before-send`` hook (the
hook moto itself uses in-process), so its memory holds our code, boto3 and one response at a time.
flask (moto's server) is not a dependency of this project; the pipe needs nothing more.
"""

from __future__ import annotations

import io
import multiprocessing
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any, Protocol

Request = tuple[str, str, dict[str, Any], bytes | None]
Response = tuple[int, dict[str, str], bytes]


class Child(Protocol):
    """The measured process: a multiprocessing process, or a subprocess seen through an adapter."""

    @property
    def exitcode(self) -> int | None: ...

    def is_alive(self) -> bool: ...


def serve(conn: Connection, child: Child, after: Callable[[], None] | None = None) -> Any:
    """Answers the child's requests with moto (active in this process) until it sends its result;
    ``after`` runs after each request (e.g. a consumer taking messages off a queue)."""
    from botocore.awsrequest import AWSPreparedRequest, HTTPHeaders
    from moto.core.models import botocore_stubber

    while True:
        if not conn.poll(1.0):
            if not child.is_alive():
                raise RuntimeError(f"the measured process died (exit code {child.exitcode})")
            continue
        message = conn.recv()
        if message[0] == "result":
            return message[1]
        method, url, headers, body = message[1]
        http_headers = HTTPHeaders()
        for name, value in headers.items():
            http_headers[name] = value
        request = AWSPreparedRequest(method, url, http_headers, body, stream_output=False)
        answer = botocore_stubber.process_request(request)
        if answer is None:
            conn.send((404, {}, b"not emulated"))
            continue
        status, response_headers, content = answer
        data = content.encode() if isinstance(content, str) else bytes(content or b"")
        conn.send((status, {str(k): str(v) for k, v in dict(response_headers).items()}, data))
        if after is not None:
            after()


class _Raw:
    """What AWSResponse reads the body from: whole (``stream``) or, for a streamed S3 body, in parts."""

    def __init__(self, content: bytes) -> None:
        self._content = content
        self._body = io.BytesIO(content)

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._content

    def read(self, amt: int | None = None) -> bytes:
        return self._body.read(amt)

    def close(self) -> None:  # a body closed unread (urllib3's stream has it too)
        self._body.close()


def forward_to(conn: Connection) -> None:
    """In the child, before any boto3 client exists: every request goes to the host."""
    from botocore.awsrequest import AWSResponse
    from botocore.handlers import BUILTIN_HANDLERS

    def send(request: Any, **kwargs: Any) -> AWSResponse:
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        conn.send(("request", (request.method, request.url, dict(request.headers.items()), body)))
        status, headers, content = conn.recv()
        return AWSResponse(request.url, status, headers, _Raw(content))

    BUILTIN_HANDLERS.append(("before-send", send))


def run_measured(
    target: Callable[[Connection, Any], None], argument: Any, after: Callable[[], None] | None = None
) -> Any:
    """Starts ``target(conn, argument)`` in a fresh (spawned) process and serves its AWS calls."""
    context = multiprocessing.get_context("spawn")
    parent, child_end = context.Pipe()
    child = context.Process(target=target, args=(child_end, argument))
    child.start()
    try:
        return serve(parent, child, after)
    finally:
        child.join(timeout=30)
