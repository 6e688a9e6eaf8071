"""A month of the sync against moto, with the result file in the test's hands before the worker
reads it: register a few people, learn their resident codes, then build a chunk, let the test
rewrite J-LIS's answer, and deliver the S3 event to the worker's entry point."""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3

from ahaki.kernel.qualification import Qualification
from ahaki.registry.domain.registrant import Status
from ahaki.registry.wiring import ports
from ahaki.residents.adapters.jlis_fake import Scenario
from ahaki.residents.domain.jlis import INBOUND, OUTBOUND, FileKey
from ahaki.residents.domain.sync_records import Finding, SyncRun
from ahaki.residents.services import sync
from ahaki.residents.wiring import ListQueue, fake_jlis, sync_ports
from functions.sync_worker.handler import handle
from infra.sandbox.emulated_aws import REGION
from tests.data import remember
from tests.hostile_files import MOVED_TO, Mutation, file_rows, mutate
from tests.integration.conftest import Api

ANMA = Qualification.ANMA_MASSAGE_SHIATSU
_IDENTIFIER = re.compile(r"(?<![0-9a-f])[0-9]{11,12}(?![0-9a-f])")  # a resident code or My Number
TENANT = "foundation"


def s3_event(key: str) -> dict[str, Any]:
    return {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": key}}}]}


def register(api: Api, n: int) -> list[tuple[str, str]]:
    """n registrants: (qualification_pseudonym_id, My Number)."""
    people = []
    for _ in range(n):
        qid = api.register()["qualification_pseudonym_id"]
        reply = api.call("reveal_my_number", qid, {"purpose": "テスト用の照会"})
        people.append((qid, str(reply.body["my_number"])))
    return people


def first_run(api: Api) -> None:
    """Everyone asked by My Number once, so later chunks ask by the resident code."""
    reply = api.call("start_sync_run", body={}, role="operator", actor="ops-1")
    queue = sync_ports().queue
    assert isinstance(queue, ListQueue)
    for message in list(queue.messages):
        handle(message)
        handle(s3_event(FileKey(message["tenant_id"], message["run_id"], message["chunk_no"]).of(INBOUND)))
    queue.messages.clear()
    assert reply.status == 202


@dataclass
class Chunk:
    key: FileKey
    request: bytes  # our request file
    answer: bytes  # the fake J-LIS's honest answer


def build_chunk(run_id: str | None = None) -> Chunk:
    """A new run of one chunk over every live registrant: request out, the fake's answer in."""
    run_id = run_id or f"run-{uuid.uuid4().hex[:12]}"
    caller = sync.system_caller(TENANT, "test")
    sync_ports().store.create_run(
        SyncRun(
            run_id=run_id, tenant_id=TENANT, qualification=ANMA, started_at=ports().clock(), started_by=caller.actor_id
        )
    )
    key = FileKey(TENANT, run_id, 1)
    sync.build_chunk(ports(), sync_ports(), key, ANMA, Status.REGISTERED, None, 100)
    return Chunk(key, read(key.of(OUTBOUND)), read(key.of(INBOUND)))


def read(object_key: str) -> bytes:
    s3 = boto3.client("s3", region_name=REGION)
    return bytes(s3.get_object(Bucket=os.environ["JLIS_BUCKET"], Key=object_key)["Body"].read())


def deliver(chunk: Chunk, data: bytes, object_key: str | None = None) -> None:
    """J-LIS's file (these bytes) arrives at the chunk's inbound key; the worker gets the event."""
    s3 = boto3.client("s3", region_name=REGION)
    target = object_key or chunk.key.of(INBOUND)
    s3.put_object(Bucket=os.environ["JLIS_BUCKET"], Key=target, Body=data)
    handle(s3_event(target))


def lines_of(data: bytes) -> list[bytes]:
    return data.split(b"\n")[:-1]


def joined(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in lines)


def rewrite_row(data: bytes, index: int, change: Callable[[list[str]], list[str]]) -> bytes:
    """Data row ``index`` (1 = the first after the header) with its fields changed."""
    lines = lines_of(data)
    fields = lines[index].decode().split(",")
    lines[index] = ",".join(change(fields)).encode()
    return joined(lines)


def run_counts(api: Api, run_id: str) -> dict[str, Any]:
    reply = api.call("get_sync_run", params={"run_id": run_id}, role="operator")
    assert reply.status == 200, reply.body
    return dict(reply.body["counts"])


def quarantine(api: Api, run_id: str) -> list[dict[str, Any]]:
    """The run's quarantine list as staff read it (every page)."""
    entries: list[dict[str, Any]] = []
    query = {"limit": "7"}  # small pages: the cursor is exercised too
    while True:
        reply = api.call("list_sync_quarantine", params={"run_id": run_id}, role="auditor", query=query)
        assert reply.status == 200, reply.body
        entries += reply.body["entries"]
        if not reply.body["cursor"]:
            return entries
        query = {"limit": "7", "cursor": reply.body["cursor"]}


def addresses(api: Api) -> dict[str, str]:
    """Every registrant's address line, by id (the register's snapshots)."""
    found = {}
    for item in api.items("RegisterTable"):
        if item.get("sk", {}).get("S") == "SNAPSHOT":
            snapshot = json.loads(item["body"]["S"])
            found[snapshot["qualification_pseudonym_id"]] = snapshot["address"]["line"]
    return found


@dataclass
class World:
    """A register of a few people a month on, with J-LIS's answers varied by scenario."""

    api: Api
    people: list[tuple[str, str]]
    foreign: bytes  # another run's honest answer, for rows and headers from elsewhere


def world(api: Api) -> World:
    people = register(api, 4)
    first_run(api)
    fake = fake_jlis()
    fake.dial(people[0][1], Scenario.MOVED)
    fake.dial(people[1][1], Scenario.RENAMED)
    fake.dial(people[2][1], Scenario.SEVERAL_MATCHES)
    for resident in fake._by_number.values():
        remember({"address": {"line": resident.address}, "name": {"f": resident.name_kanji}})
    for line in MOVED_TO:
        remember({"address": {"line": line}})
    return World(api, people, build_chunk("run-foreign").answer)


def _noted_in(record: Finding | None, run_id: str) -> bool:
    return record is not None and record.run_id == run_id


def check_worker(w: World, ops: list[Mutation], retrail: bool) -> tuple[list[str], int]:
    """One mutated answer through the worker's entry point: (broken invariants, exceptions escaped)."""
    chunk = build_chunk()
    data = mutate(chunk.answer, ops, retrail, w.foreign)
    before = addresses(w.api)
    try:
        deliver(chunk, data)
    except Exception:
        return ["no exception escapes the worker"], 1
    broken: list[str] = []

    def need(ok: bool, name: str) -> None:
        if not ok:
            broken.append(name)

    run_id = chunk.key.run_id
    counts = run_counts(w.api, run_id)
    settled = ("unchanged", "notation", "applied", "findings", "quarantined")
    need(counts["received"] == sum(counts[outcome] for outcome in settled), "counts reconcile")
    entries = quarantine(w.api, run_id)
    named = {e["qualification_pseudonym_id"] for e in entries if e["qualification_pseudonym_id"]}
    # Reasons name rules (in English) and digests, never a value: no name, address or identifier.
    need(all(str(e["reason"]).isascii() and not _IDENTIFIER.search(str(e["reason"])) for e in entries), "no values")
    refused_whole = any(str(e["reason"]).startswith("file:") for e in entries)
    after = addresses(w.api)
    changed = {qid for qid in before if after.get(qid) != before[qid]}
    store = sync_ports().store
    with_finding = {qid for qid, _ in w.people if store.get_finding(TENANT, f"{run_id}.{qid}")}
    # A name or reading the resident register writes otherwise is noted for staff (one record per
    # registrant, the latest run's), never a finding: counted as notation.
    noted = {qid for qid, _ in w.people if _noted_in(store.get_finding(TENANT, f"noted.{qid}"), run_id)}
    need(counts["unanswered"] == len(named), "unanswered counts the named")
    # A move is applied; an address only written otherwise is adopted, counted as notation.
    need(counts["applied"] <= len(changed) <= counts["applied"] + counts["notation"], "applied counts the moves")
    need(not (named & (changed | with_finding | noted)), "nothing of a named person is settled")
    need(not (with_finding & (changed | noted)), "a finding settles nothing by itself")
    settled_people = len(named) + len(with_finding) + sum(counts[o] for o in ("applied", "notation", "unchanged"))
    need(settled_people == len(w.people), "everyone accounted")
    if refused_whole:
        need(not changed and not with_finding and not noted, "a refused file changes nothing")
    rows = file_rows(data)
    ours = bool(rows) and rows[0][:5] == ["H", "AHAKI-JLIS-RES", "1", run_id, "1"]
    need(ours or refused_whole, "a file of another run or chunk is refused whole")
    need((bool(rows) and rows[-1][:1] == ["T"]) or refused_whole, "a file without its trailer is refused whole")
    asked = {row[4]: row[9] for row in file_rows(chunk.request) if row[:1] == ["D"]}
    for qid in changed:
        from_file = [r for r in rows if len(r) == 18 and r[2] == qid and r[15] == after[qid]]
        need(any(r[10] == asked[qid] for r in from_file), "an applied address is the asked person's, from the file")
    return broken, 0
