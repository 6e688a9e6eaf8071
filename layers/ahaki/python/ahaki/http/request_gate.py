"""The request's gate: ids that can be ids, and bodies of JSON that every later step can handle.

Runs after authorization and before Powertools parses and validates the request. A path id that
cannot be one of ours (too long for a DynamoDB key, a My Number, a control character) is a 404
before any table or audit record sees it. A body is JSON, and a plain tree of bounded depth: no
other media type (Powertools would parse a form into keys made of the caller's data, and answer
any other type with an exception), no nesting that exhausts the interpreter's recursion, no
numbers Python cannot convert, no NaN or Infinity, no key given twice (which of the two counts
would be a guess), no lone surrogate (it cannot be stored).
"""

from __future__ import annotations

import binascii
import json
import math
import re
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent

from ahaki.http import problems

MAX_DEPTH = 32  # our deepest model is an application form inside a submission: 4 levels
JSON_MEDIA_TYPE = "application/json"
_SURROGATE = re.compile("[\ud800-\udfff]")
# Our ids: UUIDs, and ids made of them ("<run>.<id>", "<time>-<event id>"); 128 bytes stay far
# below DynamoDB's 1,024-byte sort key and 2,048-byte partition key.
ID_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
_ID = re.compile(ID_PATTERN.strip("^$"))
TWELVE_DIGITS = re.compile(r"[0-9]{12}")  # a My Number's shape: never an id of ours
# A JSON string (an unterminated one too), whose brackets do not count; or a bracket.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')


class MalformedBody(ValueError):
    """The body is not JSON this API accepts; the reason is a rule, never a quoted value."""


def path_refusal(event: BaseProxyEvent) -> Response[Any] | None:
    """404 for a path parameter that no id of ours can be (UUIDs, and ids built of them)."""
    for value in (event.raw_event.get("pathParameters") or {}).values():
        if not _ID.fullmatch(value) or TWELVE_DIGITS.fullmatch(value):
            return problems.problem(HTTPStatus.NOT_FOUND, "not-found", "No such resource.")
    return None


def body_refusal(event: BaseProxyEvent) -> Response[Any] | None:
    """The problem for a body no route accepts, or None when the body may go on to validation."""
    try:
        body = event.decoded_body
    except (binascii.Error, UnicodeDecodeError):
        return problems.problem(HTTPStatus.BAD_REQUEST, "malformed-json", "The body is not UTF-8 JSON.", field="body")
    if body is None or body == "":
        return None  # a missing body is the models' business (422 naming the body)
    if not _is_json(event.headers.get("content-type")):
        return problems.problem(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Send the body as application/json (UTF-8).",
            headers={"Accept": JSON_MEDIA_TYPE},
        )
    try:
        parse(body)
    except MalformedBody as error:
        return problems.problem(HTTPStatus.BAD_REQUEST, "malformed-json", str(error), field="body")
    return None


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media_type, *parameters = (part.strip().lower() for part in content_type.split(";"))
    if media_type != JSON_MEDIA_TYPE:
        return False
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip() == "charset" and value.strip().strip('"') not in {"utf-8", "utf8"}:
            return False
    return True


def parse(body: str) -> Any:
    """The body as JSON, or MalformedBody saying which rule it breaks."""
    if nesting_depth(body, stop_above=MAX_DEPTH) > MAX_DEPTH:
        raise MalformedBody(f"The request body is nested deeper than {MAX_DEPTH} levels.")
    try:
        value = json.loads(body, object_pairs_hook=_unique_keys, parse_constant=_no_constant, parse_float=_finite)
    except MalformedBody:
        raise
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError; so is the int digit limit
        raise MalformedBody("The request body is not valid JSON.") from None
    if _has_lone_surrogate(value):
        raise MalformedBody("The request body holds an escaped lone surrogate, which is not text.")
    return value


def nesting_depth(text: str, stop_above: int | None = None) -> int:
    """The deepest nesting of arrays and objects, counted without parsing (no recursion): a regex
    (in C) skips over strings, whose brackets do not count. With ``stop_above``, counting stops as
    soon as the depth passes it, so a body of ten million "[" costs no more than a shallow one."""
    depth = deepest = 0
    for found in _STRING_OR_BRACKET.finditer(text):
        char = text[found.start()]
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_above is not None and deepest > stop_above:
                    break
        elif char in "]}":
            depth -= 1
    return deepest


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise MalformedBody("The request body gives a key twice in one object.")
    return found


def _no_constant(_: str) -> Any:
    raise MalformedBody("The request body holds NaN or Infinity, which JSON does not allow.")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise MalformedBody("The request body holds a number too large for a float.")
    return value


def _has_lone_surrogate(value: Any) -> bool:
    """Depth is bounded by MAX_DEPTH before this runs, so the recursion is too."""
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False
