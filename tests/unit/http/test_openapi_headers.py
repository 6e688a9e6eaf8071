"""The header rules the OpenAPI document declares are the ones the code applies (no drift)."""

from __future__ import annotations

import re

from ahaki.http import auth, idempotency, resolver
from ahaki.http.request_gate import ID_PATTERN
from infra.openapi import ETAG_PATTERN, IDEMPOTENCY_KEY_PATTERN, PSEUDONYM_PATTERN


def _anchored(pattern: re.Pattern[str]) -> str:
    return "^" + pattern.pattern + "$"


def test_declared_header_patterns_are_the_code_s() -> None:
    assert _anchored(auth._PSEUDONYM) == PSEUDONYM_PATTERN
    assert _anchored(idempotency._KEY) == IDEMPOTENCY_KEY_PATTERN
    assert _anchored(resolver._ETAG).replace("(?:W/)", "(W/)").replace("([0-9]{1,18})", "[0-9]{1,18}") == ETAG_PATTERN


def test_a_path_id_pattern_is_anchored_and_bounded() -> None:
    assert ID_PATTERN.startswith("^") and ID_PATTERN.endswith("$") and "{1,128}" in ID_PATTERN
