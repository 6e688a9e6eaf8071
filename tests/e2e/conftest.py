"""One sandbox for the e2e package: emulated AWS, demo data and the HTTP server on an ephemeral port."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from infra.sandbox.server import RunningSandbox, running_sandbox


@pytest.fixture(scope="package")
def sandbox() -> Iterator[RunningSandbox]:
    with running_sandbox(port=0) as running:
        yield running


class Api:
    """requests against the sandbox, signed in as one of its token keys ("registrar", "viewer", ...)."""

    def __init__(self, running: RunningSandbox) -> None:
        self.running = running
        self.http = requests.Session()

    def call(self, method: str, path: str, who: str | None = "registrar", **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            headers["Authorization"] = f"Bearer {self.running.token(who)}"
        return self.http.request(method, self.running.url + path, headers=headers, timeout=30, **kwargs)


@pytest.fixture
def api(sandbox: RunningSandbox) -> Iterator[Api]:
    client = Api(sandbox)
    yield client
    client.http.close()
