"""AWS clients as every function makes them, and the clock and ids the adapters stamp with."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.config import Config

# Fail fast inside the API Gateway timeout; standard retries back off on throttling.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=2, read_timeout=5)


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class LazyClient:
    """A boto3 client made on first use: most requests never touch KMS, and making a client
    costs tens of milliseconds of a cold start."""

    def __init__(self, service: str) -> None:
        self._service = service
        self._client: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._client is None:
            self._client = boto3.client(self._service, config=CLIENT_CONFIG)  # type: ignore[call-overload]
        return getattr(self._client, name)
