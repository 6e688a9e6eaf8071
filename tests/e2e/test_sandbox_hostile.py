"""The sandbox answers what http.server itself refuses (TRACE, broken request lines) as problem+json."""

from __future__ import annotations

import json
import socket

import pytest

from infra.sandbox.server import RunningSandbox


def _raw(sandbox: RunningSandbox, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection((sandbox.host, sandbox.port), timeout=10) as connection:
        connection.sendall(request)
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                None,
            )
            if length is not None and len(body) >= length:
                break
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


REQUESTS = {
    "TRACE": b"TRACE /admin/registrants HTTP/1.1\r\nHost: x\r\n\r\n",
    "unknown method": b"BREW /admin/registrants HTTP/1.1\r\nHost: x\r\n\r\n",
    "malformed request line": b"GET\r\n\r\n",
    "bad version": b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    "garbage version": b"GET / FOO/1.1\r\nHost: x\r\n\r\n",
    "request line too long": b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "header line too long": b"GET / HTTP/1.1\r\nX-A: " + b"a" * 70000 + b"\r\n\r\n",
}


@pytest.mark.parametrize("request_bytes", REQUESTS.values(), ids=REQUESTS.keys())
def test_what_http_server_refuses_is_problem_json(sandbox: RunningSandbox, request_bytes: bytes) -> None:
    status, headers, body = _raw(sandbox, request_bytes)
    assert 400 <= status < 600
    assert headers["content-type"] == "application/problem+json", (status, body[:200])
    problem = json.loads(body)
    assert problem["status"] == status and problem["type"].startswith("https://")
    assert b"<" not in body
