"""Every kind of domain event the system emits, and which function consumes it: one catalogue.

Each context names the kinds it emits (its domain/events.py) and this catalogue gathers them; the
notifier's templates are keyed by the same names; a contract test checks that each kind reaches
its consumer in the synthesized stack and, where the notifier consumes it, has a template that
renders. A kind spelt anywhere else is a
kind nobody may be listening for.
"""

from __future__ import annotations

from ahaki.intake.domain.events import ATTACHMENT_NOT_SCANNED, ATTACHMENT_REFUSED, DOCUMENTS_OVERDUE, application_kind
from ahaki.intake.domain.status import ApplicationStatus
from ahaki.registry.domain.events import registrant_kind
from ahaki.registry.domain.operations import Operation
from ahaki.residents.domain.events import finding_kind
from ahaki.residents.domain.verdicts import FINDING_VERDICTS

NOTIFIER = "notifier"  # the consuming functions (ahaki.http.routes.Function values)
NOTICE_FANOUT = "notice_fanout"

NOTICE_REQUESTED = "notice.requested"  # a staff notice: fanned out to its holders
STAFF_NOTICE = "notice.staff"  # one per holder, put on the notifier's queue by the fan-out itself

# kind -> consuming function. Relayed through the event bus, except STAFF_NOTICE (see above).
EMITTED: dict[str, str] = {
    **{registrant_kind(op): NOTIFIER for op in Operation},
    **{application_kind(status): NOTIFIER for status in ApplicationStatus},
    DOCUMENTS_OVERDUE: NOTIFIER,
    ATTACHMENT_REFUSED: NOTIFIER,
    ATTACHMENT_NOT_SCANNED: NOTIFIER,
    **{finding_kind(verdict): NOTIFIER for verdict in sorted(FINDING_VERDICTS)},
    NOTICE_REQUESTED: NOTICE_FANOUT,
}
NOT_RELAYED: dict[str, str] = {STAFF_NOTICE: NOTIFIER}
# Kinds the notifier consumes and sends to no one, on purpose: the resident register's notation of
# the same address, adopted by the sync (docs/adr/0163). Their templates reach no channel.
SILENT: frozenset[str] = frozenset({registrant_kind(Operation.ADOPT_NOTATION)})
