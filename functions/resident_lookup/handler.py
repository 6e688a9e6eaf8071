"""On-demand 住基ネット look-ups: registrar only, purpose required, rate limited, audited first.
J-LIS answers later: the request answers 202 with the look-up, whose answer is read with GET."""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ahaki.http.resolver import caller, lambda_handler_for, serve
from ahaki.http.routes import Function
from ahaki.residents.domain.sync_records import Lookup, ResidentLookupRequest
from ahaki.residents.services import lookup as lookups
from ahaki.residents.wiring import register_ports, sync_ports

router = Router()


def resident_lookup(request: ResidentLookupRequest) -> Response[Lookup]:
    lookup = lookups.request_lookup(register_ports(), sync_ports(), caller(router), request)
    return Response(int(HTTPStatus.ACCEPTED), "application/json", lookup)


def get_resident_lookup(lookup_id: str) -> Lookup:
    return lookups.get_lookup(register_ports(), sync_ports(), caller(router), lookup_id)


app = serve(Function.RESIDENT_LOOKUP, router, globals())
lambda_handler = lambda_handler_for(app)
