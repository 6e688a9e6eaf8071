"""The one route a My Number leaves the vault by: registrar only, purpose required, audited first."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from ahaki.http.resolver import caller, lambda_handler_for, serve
from ahaki.http.routes import Function
from ahaki.registry.api import MyNumberView
from ahaki.registry.domain.commands import RevealRequest
from ahaki.registry.services import registry
from ahaki.registry.wiring import ports

router = Router()


def reveal_my_number(qualification_pseudonym_id: str, request: RevealRequest) -> MyNumberView:
    my_number = registry.reveal_my_number(ports(), caller(router), qualification_pseudonym_id, request.purpose)
    return MyNumberView(qualification_pseudonym_id=qualification_pseudonym_id, my_number=my_number)


app = serve(Function.MY_NUMBER_REVEAL, router, globals())
lambda_handler = lambda_handler_for(app)
