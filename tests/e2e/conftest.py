"""One sandbox for the e2e package: emulated AWS, demo data and the HTTP server on an ephemeral port."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from infra.sandbox.server import RunningSandbox, running_sandbox
from infra.sandbox.sigv4 import sign

PORTAL = "portal"  # ``who`` for a request signed (SigV4) with the portal integration's key pair


@pytest.fixture(scope="package")
def sandbox() -> Iterator[RunningSandbox]:
    with running_sandbox(port=0) as running:
        yield running


class Api:
    """requests against the sandbox, signed in as one of its token keys ("registrar", "viewer", ...)
    or, with ``who="portal"``, signed with SigV4 as the portal integration."""

    def __init__(self, running: RunningSandbox) -> None:
        self.running = running
        self.http = requests.Session()

    def call(self, method: str, path: str, who: str | None = "registrar", **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        url = self.running.url + path
        if who == PORTAL:
            if "json" in kwargs:
                kwargs["data"] = json.dumps(kwargs.pop("json"), ensure_ascii=False).encode()
                headers.setdefault("Content-Type", "application/json")
            headers = sign(self.running.sandbox.tokens.portal_key, method, url, headers, kwargs.get("data"))
        elif who is not None:
            headers["Authorization"] = f"Bearer {self.running.token(who)}"
        return self.http.request(method, url, headers=headers, timeout=30, **kwargs)


@pytest.fixture
def api(sandbox: RunningSandbox) -> Iterator[Api]:
    client = Api(sandbox)
    yield client
    client.http.close()
