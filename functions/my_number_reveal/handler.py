"""The one route a My Number leaves the vault by: registrar only, purpose required, audited first."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.typing import LambdaContext

from ahaki.adapters.wiring import ports
from ahaki.domain.commands import RevealRequest
from ahaki.http.resolver import caller, logger, make_resolver
from ahaki.http.routes import Function, powertools_path, routes_of
from ahaki.http.views import MyNumberView
from ahaki.services import registry

router = Router()


def reveal_my_number(qualification_pseudonym_id: str, request: RevealRequest) -> MyNumberView:
    my_number = registry.reveal_my_number(ports(), caller(router), qualification_pseudonym_id, request.purpose)
    return MyNumberView(qualification_pseudonym_id=qualification_pseudonym_id, my_number=my_number)


for _route in routes_of(Function.MY_NUMBER_REVEAL):
    router.route(powertools_path(_route.path), _route.method, operation_id=_route.operation_id)(
        globals()[_route.operation_id]
    )

app = make_resolver(router)


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
