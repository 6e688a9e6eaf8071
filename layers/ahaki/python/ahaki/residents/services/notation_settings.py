"""A tenant's notation rules: staff read them, and turn a rule off (or on again) with a reason.

The change is audited before it takes effect (as a reveal is), and conditional on the version
the caller read, so two staff members cannot silently overwrite each other's choice.
"""

from __future__ import annotations

from ahaki.kernel.auditing import audit_alone, audit_entry, shard_chain
from ahaki.kernel.caller import Caller
from ahaki.kernel.errors import VersionConflict
from ahaki.registry.services.ports import Ports
from ahaki.residents.domain.notation.catalogue import ChangeNotationSettings, NotationSettings
from ahaki.residents.services.ports import SyncPorts


def get_settings(ports: Ports, sync: SyncPorts, caller: Caller) -> NotationSettings:
    settings = sync.store.notation_settings(caller.tenant_id)
    entry = audit_entry(ports, caller, "get_notation_settings", detail={"version": settings.version})
    audit_alone(ports, shard_chain(caller.tenant_id, ports.audit_shards), entry)
    return settings


def change_settings(ports: Ports, sync: SyncPorts, caller: Caller, command: ChangeNotationSettings) -> NotationSettings:
    current = sync.store.notation_settings(caller.tenant_id)
    if command.version != current.version:
        raise VersionConflict(current.version)
    changed = NotationSettings(
        disabled=command.disabled,
        version=current.version + 1,
        updated_by=caller.actor_id,
        updated_at=ports.clock(),
        reason=command.reason,
    )
    detail = {"disabled": list(changed.disabled), "version": changed.version, "reason": command.reason}
    entry = audit_entry(ports, caller, "change_notation_settings", detail=detail)
    audit_alone(ports, shard_chain(caller.tenant_id, ports.audit_shards), entry)
    if not sync.store.save_notation_settings(caller.tenant_id, changed):
        raise VersionConflict(sync.store.notation_settings(caller.tenant_id).version)
    return changed
