"""POST /admin/notices: a staff notice to one holder or to every holder of a qualification (202)."""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel

from ahaki.http.resolver import caller, lambda_handler_for, serve
from ahaki.http.routes import Function
from ahaki.notifications.domain.notification import NoticeRequest
from ahaki.notifications.services import notices
from ahaki.notifications.wiring import holders, notice_unit_of_work, register_ports

router = Router()


class NoticeAccepted(BaseModel):
    notice_id: str
    audience: str
    qualification: str
    status: str = "accepted"  # fanned out asynchronously through the queue


def send_notice(request: NoticeRequest) -> Response[NoticeAccepted]:
    notice = notices.send_notice(register_ports(), holders(), notice_unit_of_work, caller(router), request)
    body = NoticeAccepted(notice_id=notice.notice_id, audience=notice.audience, qualification=notice.qualification)
    return Response(status_code=int(HTTPStatus.ACCEPTED), content_type="application/json", body=body)


app = serve(Function.STAFF_NOTICES, router, globals())
lambda_handler = lambda_handler_for(app)
