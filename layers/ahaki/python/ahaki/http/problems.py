"""RFC 9457 problem+json: every error the API returns, mapped from exceptions in one place.

A problem names the field and the rule it broke; it never echoes a submitted value, since values
here are names, birth dates and My Numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response

from ahaki.kernel.errors import (
    Busy,
    DomainError,
    DuplicateMyNumber,
    InvalidInput,
    InvalidState,
    NotFound,
    NotScannedClean,
    PortalPseudonymInUse,
    RateLimited,
    ResidentRegisterUnavailable,
    SeparationOfDuties,
    VersionConflict,
)

PROBLEM_JSON = "application/problem+json"


class IfMatchRequired(DomainError):
    """A correction must say which version it corrects (428)."""


class MalformedHeader(DomainError):
    """A header the API reads is malformed (400)."""


class KeyReused(DomainError):
    """The same Idempotency-Key came with another body (422)."""


class StillInProgress(DomainError):
    """The first request with this key is still running (409; retry shortly)."""


TYPE_BASE = "https://register.ahaki.example.jp/problems/"

# Every DomainError of the layer, declared here once (a test walks the subclasses): the mapping
# does not depend on which modules a function happened to import.
STATUS_OF: dict[type[DomainError], tuple[HTTPStatus, str]] = {
    NotFound: (HTTPStatus.NOT_FOUND, "not-found"),
    InvalidState: (HTTPStatus.CONFLICT, "not-allowed-in-this-state"),
    VersionConflict: (HTTPStatus.CONFLICT, "version-conflict"),
    NotScannedClean: (HTTPStatus.CONFLICT, "not-scanned-clean"),
    DuplicateMyNumber: (HTTPStatus.CONFLICT, "duplicate-my-number"),
    PortalPseudonymInUse: (HTTPStatus.CONFLICT, "portal-pseudonym-in-use"),
    InvalidInput: (HTTPStatus.UNPROCESSABLE_ENTITY, "invalid-input"),
    Busy: (HTTPStatus.SERVICE_UNAVAILABLE, "busy"),
    IfMatchRequired: (HTTPStatus.PRECONDITION_REQUIRED, "if-match-required"),
    MalformedHeader: (HTTPStatus.BAD_REQUEST, "malformed-header"),
    RateLimited: (HTTPStatus.TOO_MANY_REQUESTS, "rate-limited"),
    ResidentRegisterUnavailable: (HTTPStatus.SERVICE_UNAVAILABLE, "resident-register-unavailable"),
    SeparationOfDuties: (HTTPStatus.FORBIDDEN, "separation-of-duties"),
    KeyReused: (HTTPStatus.UNPROCESSABLE_ENTITY, "idempotency-key-reused"),
    StillInProgress: (HTTPStatus.CONFLICT, "idempotency-key-in-progress"),
}


def problem(
    status: HTTPStatus,
    kind: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response[Any]:
    body = {"type": TYPE_BASE + kind, "title": status.phrase, "status": int(status), "detail": detail, **extensions}
    return Response(
        status_code=int(status),
        content_type=PROBLEM_JSON,
        body=json.dumps(body, ensure_ascii=False),
        headers=headers or {},
    )


def from_domain(error: DomainError) -> Response[Any]:
    status, kind = next(
        (v for cls, v in STATUS_OF.items() if isinstance(error, cls)),
        (HTTPStatus.BAD_REQUEST, "bad-request"),
    )
    headers = {"ETag": f'"{error.current_version}"'} if isinstance(error, VersionConflict) else {}
    if isinstance(error, Busy):
        headers["Retry-After"] = "1"
    return problem(status, kind, error.detail, headers=headers, **error.extensions)


def from_validation(errors: Sequence[Any]) -> Response[Any]:
    """Pydantic/Powertools validation errors as field + message, without the submitted input."""
    fields = [{"field": _field(_location(e)), "message": _message(e)} for e in errors]
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem(HTTPStatus.BAD_REQUEST, "malformed-json", "The request body is not valid JSON.", errors=fields)
    names = ", ".join(sorted({f["field"] for f in fields}))
    return problem(HTTPStatus.UNPROCESSABLE_ENTITY, "validation", f"Invalid value in: {names}.", errors=fields)


def _location(error: dict[str, Any]) -> Sequence[Any]:
    loc: Sequence[Any] = error.get("loc", ())
    # An unknown key is the caller's data (it may be a name or a My Number): name its object.
    return loc[:-1] if error.get("type") == "extra_forbidden" else loc


def _field(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if not isinstance(p, int) or len(loc) > 2]
    # Powertools prefixes the part of the request; pydantic adds the name of a tagged type.
    return ".".join(p for p in parts if not p.startswith("function-after") and not p.startswith("function-before"))


_ENUM_REPR = re.compile(r"<\w+\.\w+: ('[^']*')>")  # pydantic quotes Literal[Enum.X] as <Enum.X: 'x'>
# Messages of these types quote the input or are unhelpful; ours name the rule instead.
_OWN_MESSAGES: dict[str, str] = {
    "extra_forbidden": "holds a field that is not allowed here (see the schema)",
    "union_tag_not_found": "needs its discriminator field",
    "model_type": "must be an object (see the schema)",
    "model_attributes_type": "must be an object (see the schema)",
    "dict_type": "must be an object (see the schema)",
}
_SHORTEST_ECHO = 3  # shorter inputs occur in rule texts by chance ("01-47")


def _message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind in _OWN_MESSAGES:
        return _OWN_MESSAGES[kind]
    if kind == "union_tag_invalid":
        expected = _ENUM_REPR.sub(r"\1", str((error.get("ctx") or {}).get("expected_tags", "")))
        return f"must be one of {expected}"
    message = _ENUM_REPR.sub(r"\1", str(error.get("msg", "invalid")).removeprefix("Value error, "))
    submitted = error.get("input")
    quoted = isinstance(submitted, str | int | float) and len(str(submitted)) >= _SHORTEST_ECHO
    if quoted and str(submitted) in message:  # a message that quotes what was sent says only the rule's name
        return "is invalid"
    return message
