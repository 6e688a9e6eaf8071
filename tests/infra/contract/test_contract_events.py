"""Contract: every event kind the services emit reaches its consumer in the synthesized stack, and
every kind the notifier consumes has a template that renders for each channel it is sent on."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ahaki.kernel.wareki import wareki_and_iso
from ahaki.notifications.adapters.messaging import OUTBOX_SOURCE
from ahaki.notifications.domain import events as event_kinds
from ahaki.notifications.domain.events import EMITTED, NOT_RELAYED, NOTIFIER, SILENT
from ahaki.notifications.domain.notification import Channel, NoTemplate
from ahaki.notifications.domain.templates import TEMPLATES, render, template_of
from tests.infra.contract.assembly import Assembly, Resource

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]
LAYER = Path(__file__).resolve().parents[3] / "layers" / "ahaki" / "python" / "ahaki"


def _matches(values: list[Any], value: str) -> bool:
    """EventBridge's matching for the forms our rules use: a list of values, or anything-but."""
    for wanted in values:
        if isinstance(wanted, dict) and "anything-but" in wanted:
            excluded = wanted["anything-but"]
            if value not in (excluded if isinstance(excluded, list) else [excluded]):
                return True
        elif wanted == value:
            return True
    return False


def consumers_of_queue(assembly: Assembly, queue: Resource) -> set[str]:
    """The functions (by name) an event source mapping feeds from this queue."""
    names = set()
    for mapping in assembly.of_type("AWS::Lambda::EventSourceMapping"):
        source = assembly.ref(mapping.stack, mapping.properties.get("EventSourceArn"), "AWS::SQS::Queue")
        target = assembly.ref(mapping.stack, mapping.properties.get("FunctionName"), "AWS::Lambda::Function")
        if source is not None and source.key == queue.key and target is not None:
            names.add(str(assembly.environment(target).get("POWERTOOLS_SERVICE_NAME")))
    return names


def consumers_on_the_bus(assembly: Assembly, kind: str) -> set[str]:
    """Functions that receive a relayed event of this kind: rule -> queue -> mapping -> function."""
    names: set[str] = set()
    for rule in assembly.of_type("AWS::Events::Rule"):
        pattern = rule.properties.get("EventPattern", {})
        if not _matches(pattern.get("source", []), OUTBOX_SOURCE) or not _matches(pattern.get("detail-type", []), kind):
            continue
        for target in rule.properties.get("Targets", []):
            queue = assembly.ref(rule.stack, target["Arn"], "AWS::SQS::Queue")
            if queue is not None:
                names |= consumers_of_queue(assembly, queue)
    return names


def outbox_event_kinds_spelt_outside_the_catalogue() -> Iterator[str]:
    """``OutboxEvent(kind=…)`` anywhere in the layer whose kind does not come from event_kinds."""
    catalogue = {name for name in dir(event_kinds) if not name.startswith("_")}
    for path in sorted(LAYER.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "OutboxEvent":
                for keyword in node.keywords:
                    if keyword.arg != "kind":
                        continue
                    used = {n.id for n in ast.walk(keyword.value) if isinstance(n, ast.Name)}
                    if not used & catalogue:
                        yield f"{path.relative_to(LAYER)}:{node.lineno}: {ast.unparse(keyword.value)}"


def template_problems(kind: str) -> list[str]:
    """The kind's template must exist and render with what the notifier fills in, per channel."""
    try:
        template = template_of(kind)
    except NoTemplate:
        return [f"{kind}: no template"]
    channels = [Channel.PORTAL_INBOX, Channel.EMAIL] if template.to_holder else []
    if kind in SILENT:  # declared silent: it must stay so
        return [f"{kind}: declared silent but reaches someone"] if template.to_holder or template.to_staff else []
    if not template.to_holder and not template.to_staff:
        return [f"{kind}: reaches nobody"]
    values = {
        "holder": "山田 花子 様",
        "date": wareki_and_iso(datetime(2026, 12, 3, tzinfo=UTC).date()),
        "reference": "ref-1",
        "qualification": "はり師",  # the notifier names the register of the event's or holder's qualification
        "notice_subject": "件名",
        "notice_body": "本文",
    }
    problems = []
    for channel in channels:  # the inbox and e-mail show the same rendering: subject, text, HTML
        rendered = render(template, values)
        if not (rendered.subject and rendered.text and rendered.html) or "$" in rendered.text:
            problems.append(f"{kind}: renders incompletely for {channel.value}")
    return problems


def test_every_outbox_event_takes_its_kind_from_the_catalogue() -> None:
    assert list(outbox_event_kinds_spelt_outside_the_catalogue()) == []


@pytest.mark.parametrize("kind", sorted(set(EMITTED) - SILENT), ids=str)
def test_every_relayed_kind_reaches_exactly_its_consumer(assembly: Assembly, kind: str) -> None:
    assert consumers_on_the_bus(assembly, kind) == {EMITTED[kind]}


@pytest.mark.parametrize("kind", sorted(SILENT), ids=str)
def test_a_silent_kind_never_reaches_the_notifier(assembly: Assembly, kind: str) -> None:
    """The bus rule filters it out: the notifier would only be invoked to send nothing."""
    assert NOTIFIER not in consumers_on_the_bus(assembly, kind)


def test_staff_notices_go_from_the_fan_out_straight_to_the_notifier_queue(assembly: Assembly) -> None:
    functions = assembly.functions()
    fanout = functions["notice_fanout"]
    queue = assembly.ref(fanout.stack, assembly.environment(fanout)["NOTIFIER_QUEUE_URL"], "AWS::SQS::Queue")
    assert queue is not None
    assert consumers_of_queue(assembly, queue) == set(NOT_RELAYED.values())


@pytest.mark.parametrize("kind", sorted([k for k, c in {**EMITTED, **NOT_RELAYED}.items() if c == NOTIFIER]), ids=str)
def test_every_kind_the_notifier_consumes_has_a_template_for_its_channels(kind: str) -> None:
    assert template_problems(kind) == []


def test_every_template_is_for_a_kind_that_is_emitted() -> None:
    assert set(TEMPLATES) - set(EMITTED) - set(NOT_RELAYED) == set()


def test_a_kind_without_a_template_or_a_rule_is_reported(assembly: Assembly) -> None:
    assert template_problems("sync.never_emitted") == ["sync.never_emitted: no template"]
    rule = next(r for r in assembly.of_type("AWS::Events::Rule") if "anything-but" in str(r.properties))
    saved = rule.properties["EventPattern"]
    rule.properties["EventPattern"] = {"source": [OUTBOX_SOURCE], "detail-type": ["registrant.register"]}
    try:
        assert consumers_on_the_bus(assembly, "registrant.correct") == set()
    finally:
        rule.properties["EventPattern"] = saved
