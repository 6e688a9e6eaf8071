"""Staff routes of the resident-register sync: findings (list, view, resolve), runs, query report,
and the tenant's notation rules."""

from __future__ import annotations

from datetime import date
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from ahaki.http.resolver import caller, lambda_handler_for, serve
from ahaki.http.routes import Function
from ahaki.residents.api import (
    FindingList,
    NotationSettingsView,
    QuarantineList,
    QueryReport,
    ResolvedFinding,
    RunView,
    StartRun,
    resolved_view,
    settings_view,
)
from ahaki.residents.domain.notation.catalogue import ChangeNotationSettings
from ahaki.residents.domain.sync_records import Finding, FindingStatus, ResolveFinding
from ahaki.residents.services import findings as sync_findings
from ahaki.residents.services import lookup as resident_lookup
from ahaki.residents.services import notation_settings, sync
from ahaki.residents.wiring import register_ports, sync_ports

router = Router()


def list_sync_findings(
    status: Annotated[FindingStatus, Query()] = FindingStatus.OPEN,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query()] = None,
) -> FindingList:
    items, next_cursor = sync_findings.list_findings(
        register_ports(), sync_ports(), caller(router), status, limit, cursor
    )
    return FindingList(items=items, cursor=next_cursor)


def get_sync_finding(finding_id: str) -> Finding:
    return sync_findings.get_finding(register_ports(), sync_ports(), caller(router), finding_id)


def resolve_sync_finding(finding_id: str, command: ResolveFinding) -> ResolvedFinding:
    finding, registrant = sync_findings.resolve_finding(
        register_ports(), sync_ports(), caller(router), finding_id, command
    )
    return resolved_view(finding, registrant)


def start_sync_run(command: StartRun) -> Response[RunView]:
    run = sync.request_run(register_ports(), sync_ports(), caller(router), command.qualification, command.run_id)
    return Response(int(HTTPStatus.ACCEPTED), "application/json", RunView(**run.model_dump(), reconciles=True))


def get_sync_run(run_id: str) -> RunView:
    run = sync.get_run(sync_ports(), caller(router), run_id)
    return RunView(**run.model_dump(), reconciles=run.counts.reconciles())


def get_notation_settings() -> NotationSettingsView:
    return settings_view(notation_settings.get_settings(register_ports(), sync_ports(), caller(router)))


def put_notation_settings(command: ChangeNotationSettings) -> NotationSettingsView:
    return settings_view(notation_settings.change_settings(register_ports(), sync_ports(), caller(router), command))


def list_sync_quarantine(
    run_id: str,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> QuarantineList:
    entries, next_cursor = sync.quarantine_of(sync_ports(), caller(router), run_id, limit, cursor)
    return QuarantineList(run_id=run_id, entries=entries, cursor=next_cursor)


def resident_query_report(
    actor: Annotated[str, Query(min_length=1, max_length=128)],
    since: Annotated[date, Query()],
    until: Annotated[date, Query()],
) -> QueryReport:
    records = resident_lookup.query_report(register_ports(), sync_ports(), caller(router), actor, since, until)
    return QueryReport(actor=actor, since=since, until=until, records=records)


app = serve(Function.SYNC_API, router, globals())
lambda_handler = lambda_handler_for(app)
