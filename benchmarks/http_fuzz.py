"""Schemathesis over every operation of the HTTP API, in-process, and a probe for echoed values.

``python -m benchmarks.http_fuzz [--examples N]`` (``make fuzz``) prints the figures; the test
``tests/integration/http/test_http_fuzz.py`` runs the same code at a few examples per operation.

The requests go through the sandbox's own dispatcher (API Gateway's part: routing, the bearer
tokens, proxy events) to the real handlers, against moto, through a small WSGI shim: no socket.
Every case is sent with credentials that may call the operation (a staff role it names, or the
portal integration, whose pseudonym and idempotency key the document declares and schemathesis
generates), both as data the document allows (positive) and as data it refuses (negative).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import benchmarks  # noqa: F401 - puts the layer and the repository on sys.path

CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
TWELVE_DIGITS = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
NAME_LIKE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]{2,}")  # kana or kanji runs


@dataclass
class Figures:
    cases: int = 0
    server_errors: int = 0
    outside_spec: int = 0
    echoes: int = 0
    probes: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # operation, check and status; never a value

    def add_failure(self, text: str) -> None:
        if len(self.failures) < 50:
            self.failures.append(text)


# -- the sandbox behind a WSGI shim ---------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """The sandbox behind the shim, its tokens, the document, and ids that exist in it."""

    app: Callable[..., Iterable[bytes]]
    tokens: Any
    document: dict[str, Any]
    ids: dict[str, str]  # path parameter -> an id that exists, so cases reach past the 404


@contextmanager
def sandbox_app() -> Iterator[Target]:
    """A fresh sandbox (emulated AWS of its own, the demo register, one application)."""
    from ahaki.kernel.components import reset
    from infra.openapi import openapi_document
    from infra.sandbox.emulated_aws import emulated_aws
    from infra.sandbox.server import Sandbox
    from infra.sandbox.tokens import Credentials

    document = openapi_document()
    with emulated_aws(prefix="fuzz"):
        reset()
        try:
            sandbox = Sandbox(Credentials.issue(prefix="fuzz"), document)
            yield Target(_wsgi(sandbox), sandbox.tokens, document, _existing_ids(sandbox))
        finally:
            reset()


def _existing_ids(sandbox: Any) -> dict[str, str]:
    """A registrant of the demo register and an application submitted now, by path parameter."""
    from infra.sandbox.seed import seed_demo
    from tests.intake_data import new_registration

    seeded = seed_demo(sandbox)
    registrant = next(r for r in seeded.registrants if r.tenant_id == "foundation" and r.status == "registered")
    form = new_registration()  # the tests' new-registration form, a fresh valid My Number
    headers = {
        "X-Portal-Pseudonym-Id": "pp-fuzz-applicant-1",
        "Idempotency-Key": f"fuzz-{uuid.uuid4()}",
        "Content-Type": "application/json",
    }
    submission = json.dumps({"application": form}).encode()
    reply = sandbox.handle(
        "POST",
        "/portal/applications",
        _signed(sandbox, "POST", "/portal/applications", headers, submission),
        submission,
    )
    application = json.loads(reply.body)["application_id"]
    qid = registrant.qualification_pseudonym_id
    staff = {"Authorization": f"Bearer {sandbox.tokens.token_of('registrar')}", "Content-Type": "application/json"}
    asked = json.dumps({"qualification_pseudonym_id": qid, "purpose": "本人確認"}).encode()
    lookup = json.loads(sandbox.handle("POST", "/admin/resident-lookups", staff, asked).body)["lookup_id"]
    return {"qualification_pseudonym_id": qid, "application_id": application, "lookup_id": lookup}


def _signed(sandbox: Any, method: str, target: str, headers: dict[str, str], body: bytes | None) -> dict[str, str]:
    """A portal route's request signed as the portal integration signs it (AWS_IAM in API Gateway)."""
    from ahaki.http.routes import AuthType, find_route
    from infra.sandbox.sigv4 import sign

    found = find_route(method, unquote(urlsplit(target).path))
    if found is None or found[0].auth is not AuthType.PORTAL:
        return headers
    if not any(name.lower() == "host" for name in headers):
        headers = {**headers, "Host": "localhost"}  # SigV4 signs the host; the sandbox checks it is sent
    host = next(value for name, value in headers.items() if name.lower() == "host")
    return sign(sandbox.tokens.portal_key, method, f"http://{host}{target}", headers, body)


def _wsgi(sandbox: Any) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        # PATH_INFO is the raw path decoded as latin-1 (PEP 3333): quote it back for the dispatcher.
        path = quote(environ.get("PATH_INFO", "").encode("latin-1"), safe="/")
        query = environ.get("QUERY_STRING")
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else None
        method, target = environ["REQUEST_METHOD"], path + (f"?{query}" if query else "")
        reply = sandbox.handle(method, target, _signed(sandbox, method, target, headers, body), body)
        phrase = HTTPStatus(reply.status).phrase
        start_response(f"{reply.status} {phrase}", [*reply.headers, ("Content-Length", str(len(reply.body)))])
        return [reply.body]

    return app


def credentials(operation: dict[str, Any], tokens: Any) -> dict[str, str]:
    """A caller allowed to call the operation: the ID token of the first staff role it names; portal
    operations are signed by the shim (SigV4 covers the request as finally sent)."""
    roles = operation.get("x-ahaki-roles") or []
    return {"Authorization": f"Bearer {tokens.token_of(sorted(roles)[0])}"} if roles else {}


# -- schemathesis over every operation ------------------------------------------------------------


def run_schemathesis(target: Target, examples: int, figures: Figures) -> None:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis import GenerationMode, checks

    chosen = [getattr(checks, name) for name in CHECK_NAMES]
    schema = schemathesis.openapi.from_wsgi("/openapi.json", target.app)
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an Err raises here: the document is ours
        spec = target.document["paths"][operation.path][operation.method.lower()]
        runner = _case_runner(spec["operationId"], credentials(spec, target.tokens), chosen, figures)
        # Ids that exist for the path parameters we have one for, so cases reach past the 404.
        known = {k: v for k, v in target.ids.items() if "{" + k + "}" in operation.path}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=known or None)
            test = given(case=strategy)(runner)
            settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )(test)()


def _case_runner(label: str, auth: dict[str, str], chosen: list[Any], figures: Figures) -> Callable[[Any], None]:
    from schemathesis.core.failures import Failure, FailureGroup

    def run(case: Any) -> None:
        response = case.call(headers=auth)
        figures.cases += 1
        figures.statuses[response.status_code] += 1
        if response.status_code >= 500:
            figures.server_errors += 1
            figures.add_failure(f"{label}: {response.status_code}")
        try:
            case.validate_response(response, checks=chosen)
        except (Failure, FailureGroup) as found:
            problems = found.exceptions if isinstance(found, FailureGroup) else [found]
            outside = [p for p in problems if "server error" not in str(p.title).lower()]
            if outside:
                figures.outside_spec += 1
                titles = sorted({f"{p.title}: {str(p.message)[:120]}" for p in outside})
                figures.add_failure(f"{label} {case.method} {response.status_code}: {'; '.join(titles)}")
        if response.status_code >= 400 and _echoes(case, response.text):
            figures.echoes += 1
            figures.add_failure(f"{label}: {response.status_code} echoes a submitted value")

    return run


def _echoes(case: Any, answer: str) -> bool:
    """Whether the answer carries a 12-digit number or a kana/kanji run the request sent."""
    sent = json.dumps(
        [
            case.body if not isinstance(case.body, bytes) else case.body.decode("utf-8", "replace"),
            case.path_parameters,
            case.query,
            {k: v for k, v in (case.headers or {}).items() if k != "Authorization"},
        ],
        ensure_ascii=False,
        default=str,
    )
    values = set(TWELVE_DIGITS.findall(sent)) | set(NAME_LIKE.findall(sent))
    return any(value in answer for value in values)


# -- the echo probe: a fresh My Number and name in every place a request can carry them -------------


def run_echo_probe(target: Target, figures: Figures) -> None:
    from stdnum.jp import in_
    from werkzeug.test import Client

    client = Client(target.app)
    for path, methods in target.document["paths"].items():
        for method, spec in methods.items():
            for request in _probes(path, spec, in_, target.ids):
                number, name = request.pop("_number"), request.pop("_name")
                headers = {**credentials(spec, target.tokens), **request.pop("headers", {})}
                response = client.open(method=method.upper(), headers=headers, **request)
                figures.probes += 1
                figures.statuses[response.status_code] += 1
                if response.status_code >= 500:
                    figures.server_errors += 1
                    figures.add_failure(f"{spec['operationId']} probe: {response.status_code}")
                answer = response.get_data(as_text=True) + json.dumps(dict(response.headers), ensure_ascii=False)
                if response.status_code >= 400 and (number in answer or name in answer):
                    figures.echoes += 1
                    figures.add_failure(f"{spec['operationId']} probe: {response.status_code} echoes")


def _probes(path: str, spec: dict[str, Any], in_: Any, ids: dict[str, str]) -> Iterator[dict[str, Any]]:
    """Requests that carry a fresh valid My Number and a name: as values, keys, path and query
    parameters, headers, and bodies of the wrong media type."""
    for variant in range(9):
        body11 = f"{uuid.uuid4().int % 10**11:011d}"
        number = body11 + str(in_.calc_check_digit(body11))
        name = "山田" + "".join(chr(0x4E00 + (uuid.uuid4().int % 0x5000)) for _ in range(2))
        params = {p: number for p in re.findall(r"\{(\w+)\}", path)}
        # The number as the id once; otherwise ids that exist, so the hostile parts reach the service.
        url = path.format(**params) if variant == 0 else path.format(**{p: ids.get(p, "x") for p in params})
        query = {p["name"]: number for p in spec.get("parameters", []) if p.get("in") == "query"}
        hostile = {
            "my_number": number + "0",
            "name": {"family": name + "\u202e", "given": number},
            number: name,
            "application": {"kind": name, "my_number": number, name: number},
            "reason": name + "\x00",
            "subject": name + "\r\n",
            "status": name,
            "email": f"{name}@{number}",
            "attachments": [name + number],
            "type": name + number,
            "content_type": f"{name}/{number}",
            "decision": name,
            "audience": number,
            "purpose": name + "\u202e" + number,
        }
        raw = json.dumps(hostile, ensure_ascii=False)
        bodies: list[tuple[str, str | None]] = [
            ("application/json", raw),
            ("application/x-www-form-urlencoded", raw),
            ("text/plain", f"{number} {name}"),
            ("application/json", '{"' + name + '": ' + "[" * 60 + number + "]" * 60 + "}"),
            ("application/json", json.dumps({"limit": number, "cursor": name, "kind": number})),
            ("application/json", json.dumps({"application": {**hostile, "kind": "new_registration"}})),
        ]
        content_type, data = bodies[variant % len(bodies)]
        headers = {
            "Content-Type": content_type,
            "If-Match": f'"{number}{name}"' if variant % 2 else number,
            "Idempotency-Key": f"{number}-{name}" if variant % 3 else f"key-{number}",
            "X-Portal-Pseudonym-Id": f"pp-{number}" if variant % 2 else name,
        }
        yield {
            "path": url,
            "query_string": query or ({"q": number} if variant == 5 else None),
            "data": data if "requestBody" in spec or variant % 4 == 0 else None,
            "headers": headers,
            "_number": number,
            "_name": name,
        }


def measure(examples: int) -> Figures:
    figures = Figures()
    with sandbox_app() as target:
        run_schemathesis(target, examples, figures)
        run_echo_probe(target, figures)
    return figures


def report(figures: Figures, seconds: float) -> str:
    lines = [
        f"schemathesis cases                          {figures.cases}",
        f"echo probes                                 {figures.probes}",
        f"5xx answers                                 {figures.server_errors}",
        f"responses outside the spec                  {figures.outside_spec}",
        f"error answers holding a submitted value     {figures.echoes}",
        f"statuses seen                               {dict(sorted(figures.statuses.items()))}",
        f"seconds                                     {seconds:.1f}",
    ]
    lines += [f"  {failure}" for failure in figures.failures]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.http_fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per operation and generation mode")
    args = parser.parse_args()
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")  # one INFO line per refused case otherwise
    start = time.perf_counter()
    figures = measure(args.examples)
    print(report(figures, time.perf_counter() - start))


if __name__ == "__main__":
    main()
