"""What the benchmarks share: valid commands, and Ports built like wiring.ports() with call counters."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date
from typing import Any

import boto3
from stdnum.jp import in_ as my_number_checksum

from ahaki.kernel.adapters.aws import CLIENT_CONFIG
from ahaki.kernel.caller import Caller
from ahaki.kernel.settings import Settings
from ahaki.registry import wiring
from ahaki.registry.domain.commands import Registration
from ahaki.registry.services.ports import Ports

TENANT = "foundation"


def my_number(n: int) -> str:
    """The n-th valid My Number of a run: 11 digits and their check digit."""
    base = f"{100_000_000_00 + n:011d}"
    return base + str(my_number_checksum.calc_check_digit(base))


def registration_body(n: int) -> dict[str, Any]:
    return {
        "name": {"family": "山田", "given": "花子"},
        "name_kana": {"family": "ヤマダ", "given": "ハナコ"},
        "sex": "female",
        "birth_date": date(1990, 4, 1).isoformat(),
        "origin": {"honseki_prefecture": "13"},
        "exam_passed_in": "2015-03",
        "address": {"municipality_code": "131016", "line": f"千代田区霞が関1-2-{n + 1}"},
        "minister_name": "見本 太郎",
        "chair_name": "見本 花子",
        "my_number": my_number(n),
    }


def registration(n: int) -> Registration:
    return Registration.model_validate(registration_body(n))


def registrar(request_id: str = "bench") -> Caller:
    return Caller(actor_id="bench-registrar", role="registrar", tenant_id=TENANT, request_id=request_id)


class CallCounter:
    """Counts AWS calls per operation, and why transactions were cancelled, via botocore hooks.

    Hooks run on the calling thread; a lock keeps the counts exact under the thread pools.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.cancelled_on: Counter[str] = Counter()  # which item's condition failed first

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.calls.values())

    def attach(self, client: Any) -> None:
        client.meta.events.register("before-parameter-build", self._params)
        client.meta.events.register("before-call", self._before)
        client.meta.events.register("after-call", self._after)

    def _params(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["bench_params"] = params  # the API parameters, read again if the call fails

    def _before(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.calls[model.name] += 1

    def _after(self, model: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        error = parsed.get("Error", {}).get("Code")
        if not error:
            return
        with self._lock:
            self.errors[f"{model.name}:{error}"] += 1
            if error == "TransactionCanceledException":
                self.cancelled_on[_first_failed_item(parsed, context.get("bench_params", {}))] += 1


def _first_failed_item(parsed: dict[str, Any], params: dict[str, Any]) -> str:
    items = params.get("TransactItems", [])
    for item, reason in zip(items, parsed.get("CancellationReasons") or [], strict=False):
        if reason.get("Code") == "ConditionalCheckFailed":
            (action,) = item.values()
            return _describe(action)
    return "other (no failed condition)"


def _describe(action: dict[str, Any]) -> str:
    key = action.get("Key") or action.get("Item") or {}
    table = str(action.get("TableName", ""))
    if "AuditTable" in table:
        return "audit chain position"
    if "VaultTable" in table:
        return "vault (My Number claim)"
    if "OutboxTable" in table:
        return "outbox event"
    sort_key = key.get("sk", {}).get("S", "")
    if sort_key == "SEQUENCE":
        return "registration-number sequence"
    if sort_key == "SNAPSHOT":
        return "snapshot version"
    return "history event"


def counting_ports() -> tuple[Ports, CallCounter]:
    """Ports wired exactly as ahaki.registry.wiring.ports(), over our own counted clients."""
    session = boto3.session.Session()
    dynamodb = session.client("dynamodb", config=CLIENT_CONFIG)
    kms = session.client("kms", config=CLIENT_CONFIG)
    counter = CallCounter()
    counter.attach(dynamodb)
    counter.attach(kms)
    return wiring.build_ports(Settings.from_env(), dynamodb, kms), counter
