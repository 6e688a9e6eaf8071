"""On-demand 住基ネット look-up: registrar only, purpose required, rate limited, audited first."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.typing import LambdaContext

from ahaki.adapters.sync_wiring import sync_ports
from ahaki.adapters.wiring import ports
from ahaki.domain.sync_records import LookupResult, ResidentLookupRequest
from ahaki.http.resolver import caller, logger, make_resolver
from ahaki.http.routes import Function, powertools_path, routes_of
from ahaki.services import sync

router = Router()


def resident_lookup(request: ResidentLookupRequest) -> LookupResult:
    return sync.look_up(ports(), sync_ports(), caller(router), request)


for _route in routes_of(Function.RESIDENT_LOOKUP):
    router.route(powertools_path(_route.path), _route.method, operation_id=_route.operation_id)(
        globals()[_route.operation_id]
    )

app = make_resolver(router)


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
