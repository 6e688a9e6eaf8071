"""Staff review of online applications: queue, read, match (突合), download an attachment, edit, ask,
approve, reject; and the retention job's deletion reports."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

from ahaki.http.resolver import caller, if_match, lambda_handler_for, serve
from ahaki.http.routes import Function
from ahaki.intake.api import (
    AttachmentDownloadView,
    MatchView,
    QueueView,
    StaffApplicationView,
    download_view,
    match_view,
    staff_view,
)
from ahaki.intake.domain.commands import Approval, Edit, InformationRequest, QueueQuery, Rejection
from ahaki.intake.domain.retention import DeletionReport
from ahaki.intake.services import attachment_reads, decisions, review
from ahaki.intake.services import retention as application_retention
from ahaki.intake.wiring import intake_ports, retention_ports

router = Router()


def application_queue(query: QueueQuery) -> QueueView:
    return QueueView(items=[staff_view(a) for a in review.queue(intake_ports(), caller(router), query)])


def get_application(application_id: str) -> StaffApplicationView:
    return staff_view(review.get(intake_ports(), caller(router), application_id))


def match_application(application_id: str) -> MatchView:
    return match_view(review.match(intake_ports(), caller(router), application_id))


def get_attachment(application_id: str, attachment_type: str) -> AttachmentDownloadView:
    found = attachment_reads.attachment_download(intake_ports(), caller(router), application_id, attachment_type)
    return download_view(found)


def edit_application(application_id: str, change: Edit) -> StaffApplicationView:
    expected = if_match(router)
    return staff_view(review.edit(intake_ports(), caller(router), application_id, change, expected))


def request_more_information(application_id: str, request: InformationRequest) -> StaffApplicationView:
    return staff_view(review.request_more_information(intake_ports(), caller(router), application_id, request))


def approve_application(application_id: str, approval: Approval) -> StaffApplicationView:
    return staff_view(decisions.approve(intake_ports(), caller(router), application_id, approval))


def reject_application(application_id: str, rejection: Rejection) -> StaffApplicationView:
    return staff_view(decisions.reject(intake_ports(), caller(router), application_id, rejection))


class ReportView(DeletionReport):
    totals: dict[str, int]  # how many, per rule (what counts() says)


class ReportList(BaseModel):
    items: list[ReportView]


def _report_view(report: DeletionReport) -> ReportView:
    return ReportView(**report.model_dump(), totals=report.counts())


def list_retention_reports(limit: Annotated[int, Query(ge=1, le=100)] = 30) -> ReportList:
    found = application_retention.recent_reports(retention_ports(), caller(router), limit)
    return ReportList(items=[_report_view(r) for r in found])


def get_retention_report(report_id: str) -> ReportView:
    return _report_view(application_retention.get_report(retention_ports(), caller(router), report_id))


app = serve(Function.APPLICATION_REVIEW, router, globals())
lambda_handler = lambda_handler_for(app)
