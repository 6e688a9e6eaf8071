"""Contact preferences as the portal integration sets them: the caller's own, audited.

The portal knows the holder by portal pseudonym; preferences are kept by qualification_pseudonym_id
(what the notifier reads). The e-mail address is personal data: it is stored and returned to the
holder, never written to an audit detail, a log line or an error.
"""

from __future__ import annotations

from ahaki.kernel.audit import Outcome
from ahaki.kernel.auditing import audit_alone, audit_entry, record_refusal
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import NotFound
from ahaki.notifications.domain.notification import ContactPreference, PreferencesRequest
from ahaki.notifications.services.ports import Contacts, HolderDirectory
from ahaki.registry.services.ports import Ports
from ahaki.registry.services.registry import registrant_chain

ITEMS = ["email", "email_opt_in"]  # item names, never values


def _holder_id(ports: Ports, holders: HolderDirectory, caller: Caller, action: str) -> str:
    assert caller.portal_pseudonym_id is not None, "portal routes always carry the pseudonym"
    found = holders.id_by_portal_pseudonym(caller.tenant_id, caller.portal_pseudonym_id)
    if found is None:
        record_refusal(ports, caller, action, Outcome.NOT_FOUND, None)
        raise NotFound("no registrant for this portal pseudonym")
    return found


def get_preferences(ports: Ports, holders: HolderDirectory, contacts: Contacts, caller: Caller) -> ContactPreference:
    action = "get_notification_preferences"
    qid = _holder_id(ports, holders, caller, action)
    found = contacts.get(caller.tenant_id, qid) or ContactPreference(
        tenant_id=caller.tenant_id, qualification_pseudonym_id=qid
    )
    entry = audit_entry(ports, caller, action, Outcome.ALLOWED, subject=qid, detail={"items": ITEMS})
    audit_alone(ports, registrant_chain(caller.tenant_id, qid), entry)
    return found


def put_preferences(
    ports: Ports, holders: HolderDirectory, contacts: Contacts, caller: Caller, request: PreferencesRequest
) -> ContactPreference:
    action = "put_notification_preferences"
    qid = _holder_id(ports, holders, caller, action)
    preference = ContactPreference(
        tenant_id=caller.tenant_id,
        qualification_pseudonym_id=qid,
        email=request.email,
        email_opt_in=request.email_opt_in,
    )
    # Audited first: a change of where personal messages go must never be unrecorded.
    detail = {"items": ITEMS, "email_opt_in": request.email_opt_in, "email_given": request.email is not None}
    entry = audit_entry(ports, caller, action, Outcome.ALLOWED, subject=qid, detail=detail)
    audit_alone(ports, registrant_chain(caller.tenant_id, qid), entry)
    contacts.put(preference)
    return preference
