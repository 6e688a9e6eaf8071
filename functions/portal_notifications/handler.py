"""The portal inbox and contact preferences: the portal integration lists and marks read the
caller's own notifications, and reads and sets where the caller wants e-mail."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

from ahaki.http.resolver import caller, lambda_handler_for, serve
from ahaki.http.routes import Function
from ahaki.notifications.domain.notification import ContactPreference, InboxItem, PreferencesRequest
from ahaki.notifications.services import inbox as inbox_service
from ahaki.notifications.services import preferences
from ahaki.notifications.wiring import contacts, holders, inbox, register_ports

router = Router()


class NotificationView(BaseModel):
    notification_id: str
    kind: str
    subject: str
    text: str
    html: str
    occurred_at: str
    delivered_at: str
    read_at: str | None = None


class NotificationList(BaseModel):
    items: list[NotificationView]
    cursor: str | None = None


def _view(item: InboxItem) -> NotificationView:
    return NotificationView(
        notification_id=item.notification_id,
        kind=item.kind,
        subject=item.subject,
        text=item.text,
        html=item.html,
        occurred_at=item.occurred_at.isoformat(),
        delivered_at=item.delivered_at.isoformat(),
        read_at=item.read_at.isoformat() if item.read_at else None,
    )


def list_notifications(
    limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: Annotated[str | None, Query(max_length=512)] = None
) -> NotificationList:
    items, next_cursor = inbox_service.list_notifications(register_ports(), inbox(), caller(router), limit, cursor)
    return NotificationList(items=[_view(i) for i in items], cursor=next_cursor)


def mark_notification_read(notification_id: str) -> NotificationView:
    return _view(inbox_service.mark_read(register_ports(), inbox(), caller(router), notification_id))


class PreferencesView(BaseModel):
    email: str | None = None
    email_opt_in: bool


def _preferences(found: ContactPreference) -> PreferencesView:
    return PreferencesView(email=found.email, email_opt_in=found.email_opt_in)


def get_notification_preferences() -> PreferencesView:
    return _preferences(preferences.get_preferences(register_ports(), holders(), contacts(), caller(router)))


def put_notification_preferences(body: PreferencesRequest) -> PreferencesView:
    return _preferences(preferences.put_preferences(register_ports(), holders(), contacts(), caller(router), body))


app = serve(Function.PORTAL_NOTIFICATIONS, router, globals())
lambda_handler = lambda_handler_for(app)
