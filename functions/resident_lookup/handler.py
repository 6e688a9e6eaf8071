"""On-demand 住基ネット look-up: registrar only, purpose required, rate limited, audited first."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from ahaki.adapters.sync_wiring import sync_ports
from ahaki.adapters.wiring import ports
from ahaki.domain.sync_records import LookupResult, ResidentLookupRequest
from ahaki.http.resolver import caller, lambda_handler_for, serve
from ahaki.http.routes import Function
from ahaki.services import resident_lookup as lookups

router = Router()


def resident_lookup(request: ResidentLookupRequest) -> LookupResult:
    return lookups.look_up(ports(), sync_ports(), caller(router), request)


app = serve(Function.RESIDENT_LOOKUP, router, globals())
lambda_handler = lambda_handler_for(app)
