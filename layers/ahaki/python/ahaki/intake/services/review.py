"""Staff review of applications: the queue, one application, the 突合 (match against the register),
edits, and requests for more information. Decisions are in ``decisions``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ahaki.intake.domain.application import (
    ATTACHMENT_RULES,
    MAX_ATTACHMENTS,
    Application,
    ApplicationKind,
    CorrectionForm,
    NewRegistrationDetails,
    require_open,
)
from ahaki.intake.domain.commands import (
    Edit,
    InformationRequest,
    QueueQuery,
)
from ahaki.intake.domain.status import ApplicationStatus
from ahaki.intake.services.application_records import audit_read, save
from ahaki.intake.services.ports import IntakePorts
from ahaki.kernel.audit import Outcome
from ahaki.kernel.auditing import audit_alone, audit_entry, record_refusal, shard_chain
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import InvalidInput, InvalidState, NotFound
from ahaki.kernel.values import JST


def queue(ip: IntakePorts, caller: Caller, query: QueueQuery) -> list[Application]:
    kinds = [query.kind] if query.kind is not None else list(ApplicationKind)
    found = ip.applications.queue(caller.tenant_id, query.status, kinds, query.limit)
    entry = audit_entry(
        ip.register, caller, "application_queue", Outcome.ALLOWED, subjects=tuple(a.application_id for a in found)
    )
    audit_alone(ip.register, shard_chain(caller.tenant_id, ip.register.audit_shards), entry)
    return found


def get(ip: IntakePorts, caller: Caller, application_id: str, action: str = "get_application") -> Application:
    found = ip.applications.get(caller.tenant_id, application_id)
    if found is None:
        record_refusal(ip.register, caller, action, Outcome.NOT_FOUND, None)
        raise NotFound("no such application")
    audit_read(ip, caller, action, found)
    return found


@dataclass(frozen=True)
class Match:
    """突合: what staff need to decide, as ids and item names plus the two values side by side."""

    application_id: str
    registrant_id: str | None
    registrant_status: str | None
    differences: dict[str, dict[str, Any]]
    duplicate_my_number_holder: str | None
    same_kana_and_birth_date: list[str]
    # A new registration from a pseudonym already linked to a registrant cannot be approved.
    portal_pseudonym_holder: str | None = None


def match(ip: IntakePorts, caller: Caller, application_id: str) -> Match:
    application = get(ip, caller, application_id, "match_application")
    reader, tenant, form = ip.register.reader, caller.tenant_id, application.form
    if isinstance(form, NewRegistrationDetails):
        pending = ip.vault.pending(tenant, application.subject_id)
        holder = ip.vault.holder_of_index(tenant, form.qualification, pending.blind_index) if pending else None
        same = reader.by_kana_birth(tenant, form.qualification, form.name_kana, form.birth_date, 20)
        linked = reader.portal_pseudonym_holder(tenant, application.portal_pseudonym_id)
        return Match(application_id, None, None, {}, holder, [r.qualification_pseudonym_id for r in same], linked)
    registrant = reader.get(tenant, application.subject_id)
    differences: dict[str, dict[str, Any]] = {}
    if registrant is not None and isinstance(form, CorrectionForm):
        for item in ("name", "name_kana", "origin"):
            wanted = getattr(form, item)
            current = getattr(registrant, item)
            if wanted is not None and wanted != current:
                differences[item] = {
                    "current": current.model_dump(mode="json"),
                    "requested": wanted.model_dump(mode="json"),
                }
    status = registrant.effective_status(ip.register.clock().astimezone(JST).date()).value if registrant else None
    return Match(application_id, application.subject_id, status, differences, None, [])


def edit(
    ip: IntakePorts, caller: Caller, application_id: str, change: Edit, expected_version: int | None
) -> Application:
    application = ip.applications.get(caller.tenant_id, application_id)
    if application is None:
        raise NotFound("no such application")
    require_open(application, "an edit")
    if expected_version is not None and expected_version != application.version:
        raise InvalidState(
            "the application was changed by someone else; reload it", current_version=application.version
        )
    if change.form.kind != application.kind:
        raise InvalidInput("form.kind", "must stay the kind of the application")
    return save(ip, caller, application, "edit_application", form=change.form, last_edited_by=caller.actor_id)


def request_more_information(
    ip: IntakePorts, caller: Caller, application_id: str, request: InformationRequest
) -> Application:
    application = ip.applications.get(caller.tenant_id, application_id)
    if application is None:
        raise NotFound("no such application")
    require_open(application, "a request for more information")
    unknown = [a for a in request.attachments if a not in ATTACHMENT_RULES]
    if unknown:
        raise InvalidInput("attachments", "holds an unknown attachment type")  # never the value sent
    required = tuple(dict.fromkeys((*application.required_attachments, *request.attachments)))
    if len(required) > MAX_ATTACHMENTS:
        raise InvalidInput("attachments", f"an application takes at most {MAX_ATTACHMENTS} attachments")
    received = tuple(a for a in application.received_attachments if a not in request.attachments)
    return save(
        ip,
        caller,
        application,
        "request_more_information",
        status=ApplicationStatus.MORE_INFORMATION_REQUESTED,
        information_request=request.reason,
        required_attachments=required,
        received_attachments=received,
        auto_complete=False,
        always_emit=True,  # every request is announced, also a second one while the first is open
    )
