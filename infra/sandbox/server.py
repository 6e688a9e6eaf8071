"""The sandbox HTTP API: API Gateway's part (routing, the Cognito authorizer for staff routes, IAM
SigV4 for portal routes, proxy events) in front of the real handlers, with AWS emulated by moto in
the same process.

Each function runs one event at a time, as one Lambda execution environment does (a Powertools
resolver keeps per-request state and is not thread-safe); the two functions run in parallel.
Log lines carry method, route template, status and duration only: never a body, token or query.
"""

from __future__ import annotations

import base64
import importlib
import ipaddress
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any, cast
from urllib.parse import parse_qsl, unquote, urlsplit

import boto3
from botocore.exceptions import ClientError

from ahaki.http.problems import PROBLEM_JSON, TYPE_BASE
from ahaki.http.routes import ROUTES, AuthType, Function, find_route
from ahaki.intake.wiring import MALWARE_SCAN_ENV
from ahaki.kernel.components import reset
from infra.openapi import openapi_document
from infra.sandbox import emulated_scanner
from infra.sandbox.emulated_aws import REGION, emulated_aws
from infra.sandbox.events import FakeLambdaContext, api_event
from infra.sandbox.seed import SeedSummary, seed_demo
from infra.sandbox.tokens import Credentials
from infra.sandbox.workers import start_workers

log = logging.getLogger("infra.sandbox")
OPENAPI_PATH = "/openapi.json"
S3_PREFIX = "/_s3"  # presigned attachment uploads and downloads land here

SANDBOX_NOTATION = "variants=0.3,block_forms=0.3,kanji_numerals=0.5"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    route: str = "-"  # the route template, for the log line


def _problem(
    status: HTTPStatus, kind: str, detail: str, headers: list[tuple[str, str]] | None = None, route: str = "-"
) -> Reply:
    body = {"type": TYPE_BASE + kind, "title": status.phrase, "status": int(status), "detail": detail}
    return Reply(int(status), [("Content-Type", PROBLEM_JSON), *(headers or [])], json.dumps(body).encode(), route)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


def _canonical(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


def _from_result(result: dict[str, Any], route: str) -> Reply:
    """A Lambda proxy result as HTTP: both ``headers`` and ``multiValueHeaders``, as API Gateway does."""
    pairs: list[tuple[str, str]] = [(str(k), str(v)) for k, v in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        pairs.extend((str(name), str(v)) for v in values if (str(name), str(v)) not in pairs)
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    return Reply(int(result.get("statusCode", HTTPStatus.BAD_GATEWAY)), pairs, data, route)


@dataclass
class Sandbox:
    """Dispatches requests to the real handlers; usable without a socket (seeding, tests)."""

    tokens: Credentials
    openapi: dict[str, Any]
    _locks: dict[Function, threading.Lock] = field(default_factory=lambda: {f: threading.Lock() for f in Function})
    _modules: dict[Function, ModuleType] = field(default_factory=dict)
    _import_lock: threading.Lock = field(default_factory=threading.Lock)

    def handler_module(self, function: Function) -> ModuleType:
        with self._import_lock:
            if function not in self._modules:
                self._modules[function] = importlib.import_module(f"functions.{function.value}.handler")
            return self._modules[function]

    def invoke(self, function: Function, event: dict[str, Any]) -> dict[str, Any]:
        """Runs one event through the function's real ``lambda_handler``, one at a time per function."""
        module = self.handler_module(function)
        with self._locks[function]:
            return cast(dict[str, Any], module.lambda_handler(event, FakeLambdaContext()))

    def attachments(self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes | None) -> Reply:
        """What S3 does with a presigned URL here (the signature is not checked in the sandbox): a
        PUT stores the upload, a GET serves one version as the URL's signed response headers say."""
        bucket, _, key = path.removeprefix(S3_PREFIX + "/").partition("/")
        if method == "PUT":
            return self.attachment_upload(bucket, key, headers, body)
        if method == "GET":
            return self.attachment_download(bucket, key, dict(parse_qsl(query)))
        return _problem(HTTPStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "Attachments are PUT or GET.")

    def attachment_upload(self, bucket: str, key: str, headers: Mapping[str, str], body: bytes | None) -> Reply:
        """The upload, then the upload event AWS would send through EventBridge to the attachment
        function, then the emulated GuardDuty scan of that version (its tag; a threat's result to the
        function, as the stage's rule does: infra/sandbox/emulated_scanner.py)."""
        content_type = _header(headers, "Content-Type") or "application/octet-stream"
        stored = boto3.client("s3", region_name=REGION).put_object(
            Bucket=bucket, Key=key, Body=body or b"", ContentType=content_type
        )
        event = {
            "source": "aws.s3",
            "detail-type": "Object Created",
            "detail": {"bucket": {"name": bucket}, "object": {"key": key}},
        }
        self.invoke(Function.ATTACHMENT_RECEIVED, event)
        scanned = emulated_scanner.scan(bucket, key, stored.get("VersionId"))
        if scanned is not None and emulated_scanner.delivered(scanned, bucket):
            self.invoke(Function.ATTACHMENT_RECEIVED, scanned)
        return Reply(HTTPStatus.OK, [], b"", S3_PREFIX)

    def attachment_download(self, bucket: str, key: str, query: dict[str, str]) -> Reply:
        """A presigned GET: refused once expired, as S3 does; the version and response headers from the URL."""
        signed_at = datetime.strptime(query.get("X-Amz-Date", "19700101T000000Z"), "%Y%m%dT%H%M%SZ")
        if datetime.now(UTC) > signed_at.replace(tzinfo=UTC) + timedelta(seconds=int(query.get("X-Amz-Expires", 0))):
            return _problem(HTTPStatus.FORBIDDEN, "expired", "The link has expired.", route=S3_PREFIX)
        params: dict[str, Any] = {"Bucket": bucket, "Key": key}
        if "versionId" in query:
            params["VersionId"] = query["versionId"]
        try:
            found = boto3.client("s3", region_name=REGION).get_object(**params)
        except ClientError:
            return _problem(HTTPStatus.NOT_FOUND, "no-such-object", "There is no such object.", route=S3_PREFIX)
        content_type = query.get("response-content-type", str(found.get("ContentType", "")))
        headers = [("Content-Type", content_type)]
        if "response-content-disposition" in query:
            headers.append(("Content-Disposition", query["response-content-disposition"]))
        return Reply(HTTPStatus.OK, headers, found["Body"].read(), S3_PREFIX)

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes | None) -> Reply:
        split = urlsplit(target)
        path, method = unquote(split.path), method.upper()
        if path.startswith(S3_PREFIX + "/"):
            return self.attachments(method, path, split.query, headers, body)
        if method == "GET" and path == OPENAPI_PATH:
            document = json.dumps(self.openapi, ensure_ascii=False).encode()
            return Reply(HTTPStatus.OK, [("Content-Type", "application/json")], document, OPENAPI_PATH)
        found = find_route(method, path)
        if found is None:
            allowed = sorted({r.method for r in ROUTES if r.matches(r.method, path) is not None})
            if allowed:
                allow = [("Allow", ", ".join(allowed))]
                return _problem(HTTPStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "No such method here.", allow)
            return _problem(HTTPStatus.NOT_FOUND, "no-such-route", "There is no such route.")
        route, params = found
        claims, identity = None, None
        if route.auth is AuthType.PORTAL:
            url = f"http://{_header(headers, 'Host') or 'localhost'}{target}"
            identity = self.tokens.portal_identity(method, url, headers, body)
            if identity is None:  # AWS_IAM: a missing or wrong signature is a 403 before any function
                detail = "Sign the request with AWS Signature Version 4 (service execute-api)."
                return _problem(HTTPStatus.FORBIDDEN, "unauthenticated", detail, route=route.path)
        else:
            claims = self.tokens.staff_claims(_header(headers, "Authorization"))
            if claims is None:  # what the Cognito authorizer answers before any function runs
                challenge = [("WWW-Authenticate", 'Bearer realm="ahaki-sandbox"')]
                detail = "Send Authorization: Bearer <ID token>."
                return _problem(HTTPStatus.UNAUTHORIZED, "unauthenticated", detail, challenge, route.path)
        event = api_event(
            route,
            params,
            claims=claims,
            identity=identity,
            headers={_canonical(k): v for k, v in headers.items()},
            query=dict(parse_qsl(split.query)) or None,
            raw_body=body.decode("utf-8", errors="replace") if body else None,
        )
        try:
            result = self.invoke(route.function, event)
        except Exception as error:  # API Gateway answers 502 when the function itself fails
            log.error("function %s failed: %s", route.function.value, type(error).__name__)
            detail = "The function failed; see the sandbox log."
            return _problem(HTTPStatus.BAD_GATEWAY, "bad-gateway", detail, route=route.path)
        return _from_result(result, route.path)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        super().__init__(address, _RequestHandler)
        self.sandbox = sandbox

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The default prints a traceback, whose message may quote request data.
        log.error("connection error: %s", type(sys.exc_info()[1]).__name__)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "ahaki-sandbox"

    def _serve(self) -> None:
        started = time.perf_counter()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or self.headers.get("Transfer-Encoding"):
            reply = _problem(HTTPStatus.LENGTH_REQUIRED, "length-required", "Send the body with a Content-Length.")
            self.close_connection = True
        else:
            body = self.rfile.read(length) if length else None
            reply = self.server.sandbox.handle(self.command, self.path, dict(self.headers.items()), body)
        self.send_response(reply.status)
        for name, value in reply.headers:
            if name.lower() not in {"content-length", "connection", "transfer-encoding"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        elapsed = (time.perf_counter() - started) * 1000
        log.info("%s %s %d %.1fms", self.command, reply.route, reply.status, elapsed)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (TRACE and other unknown methods, a broken request line, a
        line too long) as problem+json like every other answer, not its HTML page; the detail is
        the status's own text, never the request line (it may carry a query)."""
        status = HTTPStatus(code)
        reply = _problem(status, status.phrase.lower().replace(" ", "-"), status.description + ".")
        if self.request_version == "HTTP/0.9":  # a broken request line: answer in HTTP/1.1 all the same
            self.request_version = "HTTP/1.1"
        self.close_connection = True
        self.send_response(code)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        log.info("refused by the HTTP server: %d", code)

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: http.server's own lines quote the request line, query string included."""


@dataclass(frozen=True)
class RunningSandbox:
    sandbox: Sandbox
    host: str
    port: int
    seeded: SeedSummary | None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def token(self, key: str) -> str:
        return self.sandbox.tokens.token_of(key)


def require_loopback(host: str) -> None:
    """The sandbox holds (synthetic) personal data and static tokens: never listen beyond this machine."""
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the sandbox listens on a loopback address only, not {host!r}")


@contextmanager
def running_sandbox(host: str = "127.0.0.1", port: int = 0, *, seed: bool = True) -> Iterator[RunningSandbox]:
    """Emulated AWS, fresh tokens, demo data, and the HTTP server on a thread; all undone on exit.

    ``port=0`` binds an ephemeral port; the bound one is in the result.
    """
    require_loopback(host)
    document = openapi_document()
    # Own table names: a test session may already emulate AWS with the default ones (moto nests).
    with emulated_aws(prefix="sandbox"):
        # The fake J-LIS answers in the resident register's writing, as the real one does (a
        # run shows notation counts by rule); JLIS_FAKE_NOTATION=0 turns it off.
        os.environ.setdefault("JLIS_FAKE_NOTATION", SANDBOX_NOTATION)
        # Staff read only what the (emulated) malware scan found clean, as a stage with the plan on.
        os.environ.setdefault(MALWARE_SCAN_ENV, "true")
        reset()  # the adapters are built per execution environment: this one is new
        try:
            sandbox = Sandbox(Credentials.issue(), document)
            server = _Server((host, port), sandbox)  # bind first: a port in use fails before seeding
            try:
                summary = seed_demo(sandbox) if seed else None
            except BaseException:
                server.server_close()
                raise
            workers = start_workers(sandbox.invoke)  # relay + notifier polling
            # Presigned attachment URLs point at this sandbox (see Sandbox.attachment_upload).
            os.environ["ATTACHMENTS_ENDPOINT_URL"] = f"http://{host}:{server.server_address[1]}{S3_PREFIX}"
            reset()  # the settings are read once per execution environment: read them with this one
            thread = threading.Thread(target=server.serve_forever, name="sandbox-http", daemon=True)
            thread.start()
            try:
                yield RunningSandbox(sandbox, host, server.server_address[1], summary)
            finally:
                server.shutdown()
                server.server_close()
                thread.join(timeout=5)
                workers.stop()
        finally:
            reset()
