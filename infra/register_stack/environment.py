"""Which environment variables each function reads: one declaration per function.

A function is given exactly these variables (``Functions`` looks each name up among the values
the stack offers and fails synthesis if one is missing), so no function learns the name of a
table, queue or key it never uses, and the environment stays far below Lambda's 4 KB.
"""

from __future__ import annotations

from collections.abc import Mapping

from ahaki.http.routes import AuthType, Function, routes_of
from ahaki.kernel.specs import (
    APPLICATIONS_TABLE,
    ATTACHMENTS_BUCKET,
    AUDIT_TABLE,
    BLIND_INDEX_KEY,
    CONTACT_TABLE,
    DELIVERY_TABLE,
    IDEMPOTENCY_TABLE,
    INBOX_TABLE,
    NOTICE_TABLE,
    OUTBOX_TABLE,
    REGISTER_TABLE,
    SYNC_TABLE,
    VAULT_KEY,
    VAULT_TABLE,
)
from ahaki.notifications.adapters.messaging import EVENT_BUS, FANOUT_QUEUE, NOTIFIER_QUEUE, STAFF_TOPIC

TRUST_ANCHORS_PARAMETER = "SIGNATURE_TRUST_ANCHORS_PARAMETER"
# (POWERTOOLS_SERVICE_NAME too: each function its own name, set beside these.)
COMMON = ("POWERTOOLS_LOG_LEVEL", "POWERTOOLS_METRICS_NAMESPACE")
# ahaki.kernel.settings.Settings.from_env: the register's own ports.
REGISTER = (
    REGISTER_TABLE.env_var,
    VAULT_TABLE.env_var,
    AUDIT_TABLE.env_var,
    OUTBOX_TABLE.env_var,
    APPLICATIONS_TABLE.env_var,
    str(VAULT_KEY.env_var),
    str(BLIND_INDEX_KEY.env_var),
    "AUDIT_SHARDS",
    "OFFICE_HOLDERS",  # ahaki.registry.wiring: the tenants' office holders (items 24/25, infra/office_holders.py)
)
# ahaki.intake.wiring.IntakeSettings.from_env (only the portal function is granted the
# trust anchors parameter: the others never check a signature, so never load it)
INTAKE = (
    *REGISTER,
    IDEMPOTENCY_TABLE.env_var,
    ATTACHMENTS_BUCKET.env_var,
    "APPLICATION_RETENTION_DAYS",
    TRUST_ANCHORS_PARAMETER,
)
# ahaki.intake.wiring.policy_from_env (infra/register_stack/retention.py offers them)
RETENTION_POLICY = ("APPLICATION_REMINDER_DAYS", "ABANDONED_APPLICATION_DAYS")
# ahaki.residents.wiring.build_sync_ports and the worker's redelivery count
SYNC = (SYNC_TABLE.env_var, "JLIS_BUCKET", "SYNC_QUEUE_URL", "JLIS_ADAPTER", "SYNC_CHUNK_SIZE", "SYNC_MAX_RECEIVES")
# ahaki.http.settings.PortalCallerSettings: who the portal integration is
PORTAL_CALLER = ("PORTAL_CALLER_ARNS", "PORTAL_TENANT_ID")
# ahaki.http.settings.StaffBrowserSettings (every function behind the API): the staff browser origins (CORS)
STAFF_BROWSER = ("STAFF_ALLOWED_ORIGINS",)

READS: Mapping[Function, tuple[str, ...]] = {
    Function.REGISTRY_API: REGISTER,
    Function.MY_NUMBER_REVEAL: REGISTER,
    Function.PORTAL_NOTIFICATIONS: (*REGISTER, INBOX_TABLE.env_var, CONTACT_TABLE.env_var),
    # notifications.wiring reads the inbox and contact tables too (module-level builders).
    Function.STAFF_NOTICES: (*REGISTER, NOTICE_TABLE.env_var, INBOX_TABLE.env_var, CONTACT_TABLE.env_var),
    Function.OUTBOX_RELAY: (EVENT_BUS.env_var,),
    Function.NOTIFIER: (
        *REGISTER,
        DELIVERY_TABLE.env_var,
        INBOX_TABLE.env_var,
        CONTACT_TABLE.env_var,
        NOTICE_TABLE.env_var,
        STAFF_TOPIC.env_var,
        NOTIFIER_QUEUE.dlq_env_var,
        "EMAIL_SOURCE",
    ),
    Function.NOTICE_FANOUT: (
        *REGISTER,
        NOTIFIER_QUEUE.env_var,
        FANOUT_QUEUE.env_var,
        INBOX_TABLE.env_var,
        CONTACT_TABLE.env_var,
    ),
    Function.RESIDENT_LOOKUP: (*REGISTER, *SYNC),
    Function.SYNC_API: (*REGISTER, *SYNC),
    Function.SYNC_PLANNER: (*REGISTER, *SYNC),
    Function.SYNC_WORKER: (*REGISTER, *SYNC),
    Function.PORTAL_API: INTAKE,
    Function.APPLICATION_REVIEW: (*INTAKE, *RETENTION_POLICY),  # its routes over the deletion reports
    Function.ATTACHMENT_RECEIVED: INTAKE,
    Function.APPLICATION_RETENTION: (*INTAKE, *RETENTION_POLICY),
}


def reads_of(function: Function) -> tuple[str, ...]:
    """The declaration, plus the caller's variables of the kinds of route the function serves."""
    portal = PORTAL_CALLER if any(route.auth is AuthType.PORTAL for route in routes_of(function)) else ()
    staff = STAFF_BROWSER if routes_of(function) else ()
    if function not in READS:
        raise KeyError(f"no environment declared for function {function.value!r}: add it to READS in {__name__}")
    return tuple(dict.fromkeys((*COMMON, *READS[function], *portal, *staff)))
