"""The one route table: which function serves which route, and which staff roles may call it.

The CDK stack builds API Gateway resources and methods from it, the handlers check the caller's
role against it (defence in depth behind the Cognito authorizer), and the local sandbox
dispatches HTTP requests with it. Nothing else lists routes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Staff roles; in AWS each is a Cognito user-pool group of the same name."""

    REGISTRAR = "registrar"  # registers and changes records; may reveal a My Number (audited)
    APPROVER = "approver"  # reads records; decides applications (separation of duties)
    AUDITOR = "auditor"  # reads the audit trail only: no personal data
    OPERATOR = "operator"  # runs jobs and watches the system: no personal data
    VIEWER = "viewer"  # reads records


class AuthType(StrEnum):
    """How API Gateway authenticates a route's callers."""

    STAFF = "staff"  # Cognito user-pool JWT; the roles are the user's Cognito groups
    PORTAL = "portal"  # IAM (SigV4) by the portal integration's role, acting for one portal_pseudonym_id


PORTAL_ROLE = "portal"  # the role recorded for portal callers (not a Cognito group)

ALL_ROLES: tuple[Role, ...] = tuple(Role)
READERS = frozenset({Role.REGISTRAR, Role.APPROVER, Role.VIEWER})
WRITERS = frozenset({Role.REGISTRAR})
# Run progress holds counts and ids only: the operator watches runs, auditors check them.
RUN_WATCHERS = frozenset({Role.OPERATOR, Role.REGISTRAR, Role.AUDITOR})


class Function(StrEnum):
    """Lambda functions behind the API; each name is also its folder under functions/."""

    REGISTRY_API = "registry_api"
    MY_NUMBER_REVEAL = "my_number_reveal"
    PORTAL_NOTIFICATIONS = "portal_notifications"  # the portal inbox
    STAFF_NOTICES = "staff_notices"  # POST /admin/notices
    # Not behind the API: fed by the outbox stream and the queues.
    OUTBOX_RELAY = "outbox_relay"
    NOTIFIER = "notifier"
    NOTICE_FANOUT = "notice_fanout"
    RESIDENT_LOOKUP = "resident_lookup"  # resident-register sync: on-demand 住基ネット look-ups
    SYNC_API = "sync_api"  # resident-register sync: findings, runs, query report
    SYNC_PLANNER = "sync_planner"  # resident-register sync: started by EventBridge Scheduler (no route)
    SYNC_WORKER = "sync_worker"  # resident-register sync: SQS consumer (no route)
    PORTAL_API = "portal_api"  # online applications from the portal
    APPLICATION_REVIEW = "application_review"  # staff review and decisions
    ATTACHMENT_RECEIVED = "attachment_received"  # S3 event of an uploaded attachment; no route
    APPLICATION_RETENTION = "application_retention"  # daily by EventBridge Scheduler; no route


# Functions fed by a stream, a queue or a schedule rather than API Gateway: no routes, no resolver.
WORKERS = frozenset(
    {
        Function.OUTBOX_RELAY,
        Function.NOTIFIER,
        Function.NOTICE_FANOUT,
        Function.SYNC_PLANNER,
        Function.SYNC_WORKER,
        Function.ATTACHMENT_RECEIVED,
        Function.APPLICATION_RETENTION,
    }
)


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # API Gateway form: /admin/registrants/{qualification_pseudonym_id}
    function: Function
    roles: frozenset[Role]  # staff roles allowed; empty for portal routes
    operation_id: str
    auth: AuthType = AuthType.STAFF

    def matches(self, method: str, path: str) -> dict[str, str] | None:
        """Path parameters when ``method path`` is this route, else None."""
        if method.upper() != self.method:
            return None
        found = _path_regex(self.path).fullmatch(path)
        return found.groupdict() if found else None


def _path_regex(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)))


# Online applications. The portal acts for the applicant named by its pseudonym header;
# staff: readers review, the registrar edits and asks for more, only the approver decides.
_PORTAL = "/portal/applications"
_PORTAL_ONE = _PORTAL + "/{application_id}"
_APPS = "/admin/applications"
_APP = _APPS + "/{application_id}"
DECIDERS = frozenset({Role.APPROVER})
REVIEWERS = frozenset({Role.REGISTRAR, Role.APPROVER})
_NOBODY: frozenset[Role] = frozenset()
APPLICATION_ROUTES: tuple[Route, ...] = (
    Route("POST", _PORTAL, Function.PORTAL_API, _NOBODY, "submit_application", AuthType.PORTAL),
    Route("GET", _PORTAL, Function.PORTAL_API, _NOBODY, "list_my_applications", AuthType.PORTAL),
    Route("GET", _PORTAL_ONE, Function.PORTAL_API, _NOBODY, "get_my_application", AuthType.PORTAL),
    Route("POST", _PORTAL_ONE + "/attachments", Function.PORTAL_API, _NOBODY, "request_upload", AuthType.PORTAL),
    Route("POST", _PORTAL_ONE + "/payment", Function.PORTAL_API, _NOBODY, "record_payment", AuthType.PORTAL),
    Route("POST", _APPS + "/queue", Function.APPLICATION_REVIEW, READERS, "application_queue"),
    Route("GET", _APP, Function.APPLICATION_REVIEW, READERS, "get_application"),
    Route("GET", _APP + "/match", Function.APPLICATION_REVIEW, READERS, "match_application"),
    # Attachments hold health data (a medical certificate): only the staff who act on applications.
    Route("GET", _APP + "/attachments/{attachment_type}", Function.APPLICATION_REVIEW, REVIEWERS, "get_attachment"),
    Route("PATCH", _APP, Function.APPLICATION_REVIEW, WRITERS, "edit_application"),
    Route("POST", _APP + "/more-information", Function.APPLICATION_REVIEW, REVIEWERS, "request_more_information"),
    Route("POST", _APP + "/approval", Function.APPLICATION_REVIEW, DECIDERS, "approve_application"),
    Route("POST", _APP + "/rejection", Function.APPLICATION_REVIEW, DECIDERS, "reject_application"),
    # What the daily retention job deleted (ids, rules and counts only).
    Route("GET", "/admin/retention-reports", Function.APPLICATION_REVIEW, RUN_WATCHERS, "list_retention_reports"),
    Route(
        "GET", "/admin/retention-reports/{report_id}", Function.APPLICATION_REVIEW, RUN_WATCHERS, "get_retention_report"
    ),
)

_REG = "/admin/registrants"
_ONE = _REG + "/{qualification_pseudonym_id}"

ROUTES: tuple[Route, ...] = (
    Route("POST", _REG, Function.REGISTRY_API, WRITERS, "register"),
    Route("POST", _REG + "/search", Function.REGISTRY_API, READERS, "search_registrants"),
    Route("GET", _ONE, Function.REGISTRY_API, READERS, "get_registrant"),
    Route("PATCH", _ONE, Function.REGISTRY_API, WRITERS, "correct"),
    Route("GET", _ONE + "/history", Function.REGISTRY_API, READERS, "get_history"),
    Route("POST", _ONE + "/certificate-rewrites", Function.REGISTRY_API, WRITERS, "rewrite_certificate"),
    Route("POST", _ONE + "/certificate-reissues", Function.REGISTRY_API, WRITERS, "reissue_certificate"),
    Route("POST", _ONE + "/erasure", Function.REGISTRY_API, WRITERS, "erase"),
    Route("POST", _ONE + "/dispositions", Function.REGISTRY_API, WRITERS, "dispose"),
    Route("POST", _ONE + "/relicensures", Function.REGISTRY_API, WRITERS, "relicense"),
    Route("POST", _ONE + "/my-number/reveal", Function.MY_NUMBER_REVEAL, WRITERS, "reveal_my_number"),
    Route("POST", "/admin/notices", Function.STAFF_NOTICES, WRITERS, "send_notice"),
    Route(
        "GET",
        "/portal/notifications",
        Function.PORTAL_NOTIFICATIONS,
        frozenset(),
        "list_notifications",
        AuthType.PORTAL,
    ),
    Route(
        "POST",
        "/portal/notifications/{notification_id}/read",
        Function.PORTAL_NOTIFICATIONS,
        frozenset(),
        "mark_notification_read",
        AuthType.PORTAL,
    ),
    Route(
        "GET",
        "/portal/notification-preferences",
        Function.PORTAL_NOTIFICATIONS,
        frozenset(),
        "get_notification_preferences",
        AuthType.PORTAL,
    ),
    Route(
        "PUT",
        "/portal/notification-preferences",
        Function.PORTAL_NOTIFICATIONS,
        frozenset(),
        "put_notification_preferences",
        AuthType.PORTAL,
    ),
    # Resident-register sync (roles in docs/adr/0033-sync-roles-and-functions.md).
    Route("POST", "/admin/resident-lookups", Function.RESIDENT_LOOKUP, WRITERS, "resident_lookup"),
    Route("GET", "/admin/resident-lookups/{lookup_id}", Function.RESIDENT_LOOKUP, WRITERS, "get_resident_lookup"),
    Route("GET", "/admin/sync-findings", Function.SYNC_API, READERS, "list_sync_findings"),
    Route("GET", "/admin/sync-findings/{finding_id}", Function.SYNC_API, READERS, "get_sync_finding"),
    Route("POST", "/admin/sync-findings/{finding_id}/resolution", Function.SYNC_API, WRITERS, "resolve_sync_finding"),
    Route("POST", "/admin/sync-runs", Function.SYNC_API, frozenset({Role.OPERATOR}), "start_sync_run"),
    Route("GET", "/admin/sync-runs/{run_id}", Function.SYNC_API, RUN_WATCHERS, "get_sync_run"),
    Route("GET", "/admin/sync-runs/{run_id}/quarantine", Function.SYNC_API, RUN_WATCHERS, "list_sync_quarantine"),
    Route("GET", "/admin/resident-query-report", Function.SYNC_API, frozenset({Role.AUDITOR}), "resident_query_report"),
    # The sync's notation rules per tenant (docs/adr/0163): no personal data, so every role reads.
    Route("GET", "/admin/sync-settings/notation", Function.SYNC_API, frozenset(ALL_ROLES), "get_notation_settings"),
    Route("PUT", "/admin/sync-settings/notation", Function.SYNC_API, WRITERS, "put_notation_settings"),
    *APPLICATION_ROUTES,
)


def find_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route for a request, preferring literal segments (``/search``) over parameters."""
    for route in sorted(ROUTES, key=lambda r: r.path.count("{")):
        params = route.matches(method, path)
        if params is not None:
            return route, params
    return None


def routes_of(function: Function) -> tuple[Route, ...]:
    return tuple(r for r in ROUTES if r.function == function)


def powertools_path(template: str) -> str:
    """API Gateway's {name} as the Powertools resolver writes it: <name>."""
    return re.sub(r"\{(\w+)\}", r"<\1>", template)
