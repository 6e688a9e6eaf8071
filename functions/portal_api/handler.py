"""Portal API: the citizens' portal integration files and follows online applications.

IAM-authenticated in AWS; the applicant is the portal_pseudonym_id the portal sends. A submission
runs once per Idempotency-Key; the My Number of a new registration goes straight to the vault.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.typing import LambdaContext

from ahaki.http.idempotency import CONFIG, idempotency_key, run_once
from ahaki.http.resolver import caller, logger, serve
from ahaki.http.routes import Function
from ahaki.intake.api import (
    PortalApplicationList,
    PortalApplicationView,
    Receipt,
    UploadView,
    portal_view,
    receipt,
)
from ahaki.intake.domain.commands import AttachmentRequest, PaymentNotification, Submission
from ahaki.intake.services import submission as submissions
from ahaki.intake.wiring import intake_ports, intake_settings

router = Router()


def submit_application(submission: Submission) -> Response[Receipt]:
    who = caller(router)
    event = router.current_event
    key = idempotency_key(event.headers)
    ip = intake_ports()
    raw_application = (event.json_body or {}).get("application")

    def work() -> dict[str, Any]:
        assert who.portal_pseudonym_id is not None
        derived = submissions.application_id_for(who.tenant_id, who.portal_pseudonym_id, key)
        return receipt(submissions.submit(ip, who, submission, raw_application, derived)).model_dump(mode="json")

    scoped_key = json.dumps([who.tenant_id, who.portal_pseudonym_id, key])
    stored = run_once(_idempotency_table(), scoped_key, event.body or "", work)
    return Response(status_code=int(HTTPStatus.CREATED), content_type="application/json", body=Receipt(**stored))


def _idempotency_table() -> str:
    return intake_settings().idempotency_table


def list_my_applications() -> PortalApplicationList:
    found = submissions.list_mine(intake_ports(), caller(router))
    return PortalApplicationList(items=[portal_view(a) for a in found])


def get_my_application(application_id: str) -> PortalApplicationView:
    return portal_view(submissions.mine(intake_ports(), caller(router), application_id))


def request_upload(application_id: str, request: AttachmentRequest) -> UploadView:
    url, _ = submissions.upload_url(intake_ports(), caller(router), application_id, request)
    headers = {"Content-Type": request.content_type, "Content-Length": str(request.size)}
    return UploadView(
        application_id=application_id,
        type=request.type,
        url=url,
        headers=headers,
        expires_in=submissions.UPLOAD_URL_SECONDS,
    )


def record_payment(application_id: str, notification: PaymentNotification) -> PortalApplicationView:
    return portal_view(submissions.record_payment(intake_ports(), caller(router), application_id, notification))


app = serve(Function.PORTAL_API, router, globals())


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    CONFIG.register_lambda_context(context)
    return app.resolve(event, context)
