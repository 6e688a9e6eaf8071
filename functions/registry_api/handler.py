"""Staff register API: every /admin/registrants route except the My Number reveal."""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel

from ahaki.http.resolver import caller, etag, if_match, lambda_handler_for, serve
from ahaki.http.routes import Function
from ahaki.registry.api import HistoryView, RegistrantView, SearchResult, registrant_view, search_result
from ahaki.registry.domain.commands import (
    CertificateReissueRequest,
    CertificateRewriteRequest,
    Correction,
    DispositionRequest,
    ErasureRequest,
    Registration,
    RelicensureRequest,
    SearchQuery,
)
from ahaki.registry.domain.operations import Operation
from ahaki.registry.domain.registrant import Registrant
from ahaki.registry.services import registry
from ahaki.registry.wiring import ports

router = Router()


def _changed(registrant: Registrant, status: HTTPStatus = HTTPStatus.OK) -> Response[RegistrantView]:
    return Response(
        status_code=int(status),
        content_type="application/json",
        body=registrant_view(registrant),
        headers=etag(registrant.version),
    )


def _change(
    qualification_pseudonym_id: str, operation: Operation, command: BaseModel, *, if_match_required: bool = False
) -> Response[RegistrantView]:
    expected = if_match(router, required=if_match_required)
    changed = registry.change(ports(), caller(router), qualification_pseudonym_id, operation, command, expected)
    return _changed(changed)


def register(command: Registration) -> Response[RegistrantView]:
    return _changed(registry.register(ports(), caller(router), command), HTTPStatus.CREATED)


def search_registrants(query: SearchQuery) -> SearchResult:
    return search_result(registry.search(ports(), caller(router), query))


def get_registrant(qualification_pseudonym_id: str) -> Response[RegistrantView]:
    return _changed(registry.get_registrant(ports(), caller(router), qualification_pseudonym_id))


def correct(qualification_pseudonym_id: str, command: Correction) -> Response[RegistrantView]:
    return _change(qualification_pseudonym_id, Operation.CORRECT, command, if_match_required=True)


def get_history(qualification_pseudonym_id: str) -> HistoryView:
    events = registry.get_history(ports(), caller(router), qualification_pseudonym_id)
    return HistoryView(qualification_pseudonym_id=qualification_pseudonym_id, events=events)


def rewrite_certificate(
    qualification_pseudonym_id: str, command: CertificateRewriteRequest
) -> Response[RegistrantView]:
    return _change(qualification_pseudonym_id, Operation.REWRITE_CERTIFICATE, command)


def reissue_certificate(
    qualification_pseudonym_id: str, command: CertificateReissueRequest
) -> Response[RegistrantView]:
    return _change(qualification_pseudonym_id, Operation.REISSUE_CERTIFICATE, command)


def erase(qualification_pseudonym_id: str, command: ErasureRequest) -> Response[RegistrantView]:
    return _change(qualification_pseudonym_id, Operation.ERASE, command)


def dispose(qualification_pseudonym_id: str, command: DispositionRequest) -> Response[RegistrantView]:
    return _change(qualification_pseudonym_id, Operation.DISPOSE, command)


def relicense(qualification_pseudonym_id: str, command: RelicensureRequest) -> Response[RegistrantView]:
    return _change(qualification_pseudonym_id, Operation.RELICENSE, command)


app = serve(Function.REGISTRY_API, router, globals())
lambda_handler = lambda_handler_for(app)
