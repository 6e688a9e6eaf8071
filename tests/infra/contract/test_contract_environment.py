"""Contract: every environment variable a function's code reads is set on that function.

What the code reads comes from the code (``code_reads``: the handler and every module of ours it
imports); what is set comes from the synthesized assembly. A read without a default must be set.
A read with a default must be set too, unless the default is right in AWS: a knob whose default is
the production value (listed here with its reason), a resource or function the function has no
grant on (the empty default means "not used here"), or the portal caller settings on a function
without portal routes.
"""

from __future__ import annotations

import pytest

from ahaki.http.routes import AuthType, Function, routes_of
from ahaki.kernel.settings import AuditSettings, Settings
from ahaki.kernel.specs import AUDIT_TABLE, BUCKETS, KEYS, TABLES
from tests.infra.contract.assembly import Assembly, Resource
from tests.infra.contract.code_reads import Read, reachable_modules, reads_of_function, reads_of_module

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

# Defaults that are the production value: unset in AWS on purpose.
DEFAULT_IS_RIGHT_IN_AWS: dict[str, str] = {
    "RESIDENT_CODE_CHECK": "off until the ministry notice's check digit is confirmed (DOMAIN.md)",
    "JLIS_FAKE_TENANT": "read only by the fake J-LIS, which AWS never runs (JLIS_ADAPTER=s3)",
    "JLIS_FAKE_NOTATION": "read only by the fake J-LIS (its resident-register writing), never run in AWS",
    "ATTACHMENTS_ENDPOINT_URL": "the sandbox's own S3 endpoint; in AWS presigned URLs name S3 itself",
    "SES_CONFIGURATION_SET": "no configuration set unless a stage names one",
    "NOTIFICATION_RETENTION_DAYS": "the documented inbox retention (docs/notifications.md)",
    "FANOUT_PAGE_SIZE": "the documented broadcast page size",
    "FANOUT_PAGE_DELAY_SECONDS": "the documented pacing between broadcast pages",
    "LOOKUP_RATE_LIMIT": "30 look-ups per staff member per hour (docs/adr/0040-look-up-rate-limit.md)",
    "AUDIT_SHARDS": "16, the same number the stack sets wherever it sets it",
    "POWERTOOLS_SERVICE_NAME": "set on every function (the test finds functions by it)",
    "SIGNATURE_TRUST_ANCHORS_PEM": "tests and the sandbox only: in AWS the portal reads the bundle from the SSM "
    "parameter SIGNATURE_TRUST_ANCHORS_PARAMETER names (two CAs would not fit the environment)",
}
PORTAL_SETTINGS = frozenset({"PORTAL_CALLER_ARNS", "PORTAL_TENANT_ID", "SIGNATURE_TRUST_ANCHORS_PEM"})
# Variables naming a resource: an empty default means "this function does not use it".
RESOURCE_OF: dict[str, str] = {
    **{t.env_var: t.logical_id for t in TABLES},
    **{k.env_var: k.logical_id for k in KEYS if k.env_var},
    **{b.env_var: b.logical_id for b in BUCKETS},
    "JLIS_BUCKET": "JlisExchangeBucket",
    "SYNC_QUEUE_URL": "SyncQueue",
}
# Variables naming a function to invoke: needed exactly where the role may invoke it.
FUNCTION_OF: dict[str, Function] = {"SYNC_PLANNER_FUNCTION": Function.SYNC_PLANNER}


def unset_reads(assembly: Assembly, function: Function, reads: list[Read]) -> list[str]:
    """Reads the function's code makes that its environment in the assembly does not answer."""
    fn: Resource = assembly.functions()[function.value]
    env = assembly.environment(fn)
    granted = assembly.granted(fn)
    serves_portal = any(route.auth is AuthType.PORTAL for route in routes_of(function))
    missing = []
    for read in reads:
        if read.name in env:
            continue
        if not read.required:
            if read.name in DEFAULT_IS_RIGHT_IN_AWS:
                continue
            if read.name in RESOURCE_OF and RESOURCE_OF[read.name] not in granted:
                continue
            if read.name in PORTAL_SETTINGS and not serves_portal:
                continue
            if (
                read.name in FUNCTION_OF
                and assembly.functions()[FUNCTION_OF[read.name].value].logical_id not in granted
            ):
                continue
        kind = "required" if read.required else "defaulted"
        missing.append(f"{read.name} ({kind}, {read.module}:{read.line})")
    return sorted(set(missing))


@pytest.mark.parametrize("function", list(Function), ids=str)
def test_every_variable_the_code_reads_is_set_on_its_function(assembly: Assembly, function: Function) -> None:
    assert unset_reads(assembly, function, reads_of_function(function.value)) == []


def test_a_variable_missing_from_the_template_is_reported(assembly: Assembly) -> None:
    fn = assembly.functions()[Function.OUTBOX_RELAY.value]
    reads = reads_of_function(Function.OUTBOX_RELAY.value)
    assert any(r.name == "EVENT_BUS_NAME" and r.required for r in reads)
    value = assembly.environment(fn).pop("EVENT_BUS_NAME")
    try:
        assert [m.split(" ")[0] for m in unset_reads(assembly, Function.OUTBOX_RELAY, reads)] == ["EVENT_BUS_NAME"]
    finally:
        assembly.environment(fn)["EVENT_BUS_NAME"] = value


def test_reads_through_an_alias_and_a_spec_constant_are_found() -> None:
    names = {(r.name, r.required) for r in reads_of_module("ahaki.notifications.wiring")}
    assert ("INBOX_TABLE", True) in names  # os.environ[INBOX_TABLE.env_var]
    assert ("EMAIL_SOURCE", True) in names  # env = os.environ; env["EMAIL_SOURCE"]
    assert ("FANOUT_PAGE_SIZE", False) in names  # env.get("FANOUT_PAGE_SIZE", "500")


def test_only_the_code_a_function_can_run_counts() -> None:
    notifier = {r.name for r in reads_of_function(Function.NOTIFIER.value)}
    inbox = {r.name for r in reads_of_function(Function.PORTAL_NOTIFICATIONS.value)}
    relay = {r.name for r in reads_of_function(Function.OUTBOX_RELAY.value)}
    assert "EMAIL_SOURCE" in notifier  # notifier_ports(), a cached def the handler names
    assert "EMAIL_SOURCE" not in inbox  # the same module, a def the inbox never names
    assert "EVENT_BUS_NAME" in relay and "VAULT_TABLE" not in relay


def test_a_settings_model_reads_the_variables_its_fields_declare() -> None:
    names = {(r.name, r.required) for r in reads_of_module("ahaki.kernel.settings")}
    assert ("REGISTER_TABLE", True) in names  # register_table: str = Field(alias=REGISTER_TABLE.env_var)
    assert ("AUDIT_SHARDS", False) in names  # audit_shards: int = Field(16, alias="AUDIT_SHARDS")
    intake = {r.name for r in reads_of_function(Function.PORTAL_API.value)}
    assert {"IDEMPOTENCY_TABLE", "VAULT_TABLE"} <= intake  # IntakeSettings and the Settings it nests


def test_a_variable_a_settings_model_declares_is_reported_when_unset(assembly: Assembly) -> None:
    fn = assembly.functions()[Function.NOTIFIER.value]
    reads = reads_of_function(Function.NOTIFIER.value)
    assert any(r.name == "EMAIL_SOURCE" and r.required and r.module == "ahaki.notifications.wiring" for r in reads)
    value = assembly.environment(fn).pop("EMAIL_SOURCE")
    try:
        assert [m.split(" ")[0] for m in unset_reads(assembly, Function.NOTIFIER, reads)] == ["EMAIL_SOURCE"]
    finally:
        assembly.environment(fn)["EMAIL_SOURCE"] = value


def test_a_variable_read_through_an_inherited_field_is_reported_when_unset(assembly: Assembly) -> None:
    # The register's settings declare no audit field: the audit table is the audit settings' field.
    assert issubclass(Settings, AuditSettings) and "audit_table" not in vars(Settings).get("__annotations__", {})
    # The notifier builds the register's settings, never the audit settings themselves.
    fn = assembly.functions()[Function.NOTIFIER.value]
    reads = reads_of_function(Function.NOTIFIER.value)
    assert any(r.name == AUDIT_TABLE.env_var and r.required and r.module == "ahaki.kernel.settings" for r in reads)
    value = assembly.environment(fn).pop(AUDIT_TABLE.env_var)
    try:
        assert [m.split(" ")[0] for m in unset_reads(assembly, Function.NOTIFIER, reads)] == [AUDIT_TABLE.env_var]
    finally:
        assembly.environment(fn)[AUDIT_TABLE.env_var] = value


def test_a_settings_model_named_only_as_a_base_is_not_read() -> None:
    # The relay imports the settings module, where the register's settings name the audit
    # settings as their base; it builds neither, so it reads neither's variables.
    assert "ahaki.kernel.settings" in reachable_modules(f"functions.{Function.OUTBOX_RELAY.value}.handler")
    assert AUDIT_TABLE.env_var not in {r.name for r in reads_of_function(Function.OUTBOX_RELAY.value)}


@pytest.mark.parametrize(
    ("function", "name"),
    [
        (Function.PORTAL_API, "PORTAL_CALLER_ARNS"),
        (Function.PORTAL_API, "PORTAL_TENANT_ID"),
        (Function.REGISTRY_API, "STAFF_ALLOWED_ORIGINS"),
    ],
    ids=str,
)
def test_the_http_edge_settings_are_read_and_reported_when_unset(
    assembly: Assembly, function: Function, name: str
) -> None:
    fn = assembly.functions()[function.value]
    reads = reads_of_function(function.value)
    assert any(r.name == name and r.module == "ahaki.http.settings" for r in reads)
    value = assembly.environment(fn).pop(name)
    try:
        assert [m.split(" ")[0] for m in unset_reads(assembly, function, reads)] == [name]
    finally:
        assembly.environment(fn)[name] = value


def test_the_resident_code_switch_is_read_through_its_settings() -> None:
    reads = reads_of_function(Function.SYNC_WORKER.value)
    assert any(r.name == "RESIDENT_CODE_CHECK" and r.module == "ahaki.kernel.identifiers" for r in reads)
