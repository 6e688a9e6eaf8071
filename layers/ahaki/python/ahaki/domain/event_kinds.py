"""Every kind of domain event the system emits, and which function consumes it: one definition.

Services build their events' kinds with these names; the notifier's templates are keyed by the
same names; a contract test checks that each kind reaches its consumer in the synthesized stack
and, where the notifier consumes it, has a template that renders. A kind spelt anywhere else is a
kind nobody may be listening for.
"""

from __future__ import annotations

from ahaki.domain.application import ApplicationStatus
from ahaki.domain.history import Operation
from ahaki.domain.sync import FINDING_VERDICTS, Verdict

NOTIFIER = "notifier"  # the consuming functions (ahaki.http.routes.Function values)
NOTICE_FANOUT = "notice_fanout"

NOTICE_REQUESTED = "notice.requested"  # a staff notice: fanned out to its holders
STAFF_NOTICE = "notice.staff"  # one per holder, put on the notifier's queue by the fan-out itself
# The retention job: an application waiting on its applicant passed the deadline (domain/retention.py).
DOCUMENTS_OVERDUE = "application.documents_overdue"


def registrant_kind(operation: Operation) -> str:
    return f"registrant.{operation.value}"


def application_kind(status: ApplicationStatus) -> str:
    return f"application.{status.value}"


def finding_kind(verdict: Verdict) -> str:
    """A sync finding was opened; the verdict is in the kind, so each has its own template."""
    return f"sync.finding_opened.{verdict.value}"


# kind -> consuming function. Relayed through the event bus, except STAFF_NOTICE (see above).
EMITTED: dict[str, str] = {
    **{registrant_kind(op): NOTIFIER for op in Operation},
    **{application_kind(status): NOTIFIER for status in ApplicationStatus},
    DOCUMENTS_OVERDUE: NOTIFIER,
    **{finding_kind(verdict): NOTIFIER for verdict in sorted(FINDING_VERDICTS)},
    NOTICE_REQUESTED: NOTICE_FANOUT,
}
NOT_RELAYED: dict[str, str] = {STAFF_NOTICE: NOTIFIER}
# Kinds the notifier consumes and sends to no one, on purpose: the resident register's notation of
# the same address, adopted by the sync (docs/adr/0163). Their templates reach no channel.
SILENT: frozenset[str] = frozenset({registrant_kind(Operation.ADOPT_NOTATION)})
