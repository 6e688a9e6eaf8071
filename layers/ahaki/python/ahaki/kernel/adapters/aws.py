"""AWS clients as every function makes them, and the clock and ids the adapters stamp with."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from botocore.config import Config

T = TypeVar("T")

# Fail fast inside the API Gateway timeout; standard retries back off on throttling.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=2, read_timeout=5)


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class _Deferred:
    def __init__(self, make: Callable[[], object]) -> None:
        self._make = make
        self._made: object = None

    def __getattr__(self, name: str) -> Any:
        if self._made is None:
            self._made = self._make()
        return getattr(self._made, name)


def lazy(make: Callable[[], T]) -> T:
    """``make()``'s client, made on its first use. Making a client loads its service model (S3's
    costs tens of milliseconds): a cold start pays only for the clients its first event uses."""
    return cast(T, _Deferred(make))
