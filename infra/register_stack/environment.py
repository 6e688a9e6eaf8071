"""The environment variables every function, or every function of a kind, reads.

Each context declares what its functions read (``FunctionDeclaration.reads`` in its file), from
these groups and its own. A function is given exactly those variables (``Functions`` looks each
name up among the values the stack offers and fails synthesis if one is missing), so no function
learns the name of a table, queue or key it never uses, and the environment stays far below
Lambda's 4 KB.
"""

from __future__ import annotations

from ahaki.http.routes import AuthType, Function, routes_of
from ahaki.kernel.specs import (
    APPLICATIONS_TABLE,
    AUDIT_TABLE,
    BLIND_INDEX_KEY,
    OUTBOX_TABLE,
    REGISTER_TABLE,
    VAULT_KEY,
    VAULT_TABLE,
)

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
# ahaki.http.settings.PortalCallerSettings: who the portal integration is
PORTAL_CALLER = ("PORTAL_CALLER_ARNS", "PORTAL_TENANT_ID")
# ahaki.http.settings.StaffBrowserSettings (every function behind the API): the staff browser origins (CORS)
STAFF_BROWSER = ("STAFF_ALLOWED_ORIGINS",)


def reads_of(function: Function, declared: tuple[str, ...]) -> tuple[str, ...]:
    """The declaration, plus the caller's variables of the kinds of route the function serves."""
    portal = PORTAL_CALLER if any(route.auth is AuthType.PORTAL for route in routes_of(function)) else ()
    staff = STAFF_BROWSER if routes_of(function) else ()
    return tuple(dict.fromkeys((*COMMON, *declared, *portal, *staff)))
