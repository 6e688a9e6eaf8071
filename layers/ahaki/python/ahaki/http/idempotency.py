"""Idempotent submissions: Powertools idempotency over DynamoDB, keyed by the Idempotency-Key header.

The key hashed into the record is (tenant, portal pseudonym, header): one applicant can never
replay, or read, another's stored response. Powertools stores the hash of the body (to refuse the
same key with another body, 422) and the response, which is a Receipt: ids and codes only, so the
idempotency table holds no personal data in clear.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import rfc8785
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from ahaki.http.problems import KeyReused, MalformedHeader, StillInProgress
from ahaki.kernel.components import component
from ahaki.kernel.wiring import dynamodb

IDEMPOTENCY_HEADER = "idempotency-key"
_KEY = re.compile(r"[A-Za-z0-9._:-]{8,128}")
RECORD_SECONDS = 24 * 3600  # a portal retry comes within minutes; a day covers an outage

CONFIG = IdempotencyConfig(
    event_key_jmespath="key",
    payload_validation_jmespath="body",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=RECORD_SECONDS,
    hash_function="sha256",
)


def idempotency_key(headers: dict[str, str] | None) -> str:
    found = {k.lower(): v for k, v in (headers or {}).items()}.get(IDEMPOTENCY_HEADER)
    if found is None or not _KEY.fullmatch(found):
        raise MalformedHeader(
            "Send an Idempotency-Key header of 8-128 letters, digits or ._:- (e.g. a UUID).", field="Idempotency-Key"
        )
    return found


def canonical_json(body: str) -> str:
    """The body in RFC 8785 form, so the same JSON written another way (spacing, key order,
    escapes) is the same request. Numbers outside RFC 8785's range (integers beyond 2**53) fall
    back to sorted keys and Python's own number form, which is canonical for those too."""
    try:
        value = json.loads(body)
    except ValueError:
        return body  # the request body gate refused it already; keep the bytes as they are
    try:
        return rfc8785.dumps(value).decode("utf-8")
    except rfc8785.CanonicalizationError:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@component
def _persistence(table: str) -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(table_name=table, boto3_client=dynamodb())


def run_once(
    table: str,
    key: str,
    body: str,
    work: Callable[[], dict[str, Any]],
    persistence: DynamoDBPersistenceLayer | None = None,
) -> dict[str, Any]:
    """``work()`` once per key; a replay gets the stored result, another body a KeyReused.

    ``persistence``: one per execution environment (a benchmark's thread stands for one)."""
    store = persistence or _persistence(table)

    @idempotent_function(data_keyword_argument="request", config=CONFIG, persistence_store=store)
    def submit_once(request: dict[str, str]) -> dict[str, Any]:
        return work()

    try:
        result: dict[str, Any] = submit_once(request={"key": key, "body": canonical_json(body)})
    except IdempotencyValidationError:
        raise KeyReused(
            "This Idempotency-Key was already used with a different body; use a new key.", field="Idempotency-Key"
        ) from None
    except IdempotencyAlreadyInProgressError:
        raise StillInProgress("A request with this Idempotency-Key is still in progress; retry shortly.") from None
    return result
