"""POST /admin/notices: a staff notice to one holder or to every holder of a qualification (202)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from ahaki.adapters.notification_wiring import holders, notice_unit_of_work
from ahaki.adapters.wiring import ports
from ahaki.domain.notifications import NoticeRequest
from ahaki.http.resolver import caller, logger, make_resolver
from ahaki.http.routes import Function, powertools_path, routes_of
from ahaki.services import notices

router = Router()


class NoticeAccepted(BaseModel):
    notice_id: str
    audience: str
    qualification: str
    status: str = "accepted"  # fanned out asynchronously through the queue


def send_notice(request: NoticeRequest) -> Response[NoticeAccepted]:
    notice = notices.send_notice(ports(), holders(), notice_unit_of_work, caller(router), request)
    body = NoticeAccepted(notice_id=notice.notice_id, audience=notice.audience, qualification=notice.qualification)
    return Response(status_code=int(HTTPStatus.ACCEPTED), content_type="application/json", body=body)


for _route in routes_of(Function.STAFF_NOTICES):
    router.route(powertools_path(_route.path), _route.method, operation_id=_route.operation_id)(
        globals()[_route.operation_id]
    )

app = make_resolver(router)


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
