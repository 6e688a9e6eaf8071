"""Templates per kind, 令和 dates, and the reasons an event is dead-lettered."""

from __future__ import annotations

from datetime import date

import pytest

from ahaki.kernel.qualification import Qualification
from ahaki.kernel.wareki import wareki, wareki_and_iso
from ahaki.notifications.domain.notification import NoTemplate, RenderFailed
from ahaki.notifications.domain.templates import TEMPLATES, render, template_of
from ahaki.registry.domain.operations import Operation


def test_reiwa_dates_with_gannen_and_iso() -> None:
    assert wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki(date(2019, 4, 30)) == "平成31年4月30日"
    assert wareki_and_iso(date(2026, 3, 16)) == "令和8年3月16日（2026-03-16）"


def test_every_register_operation_and_application_outcome_has_a_template() -> None:
    kinds = {f"registrant.{op.value}" for op in Operation}
    kinds |= {
        f"application.{k}" for k in ("received", "incomplete", "more_information_requested", "approved", "rejected")
    }
    assert kinds <= set(TEMPLATES)
    with pytest.raises(NoTemplate):
        template_of("registrant.something_new")


def test_render_escapes_values_in_html_and_fails_on_a_missing_value() -> None:
    values = {
        "holder": "<b>佐藤</b> 様",
        "date": "令和8年3月16日（2026-03-16）",
        "reference": "a-1",
        "qualification": "はり師",
    }
    message = render(template_of("registrant.correct"), values)
    assert message.text.startswith("<b>佐藤</b> 様")
    assert "&lt;b&gt;佐藤&lt;/b&gt;" in message.html and "<b>佐藤" not in message.html
    with pytest.raises(RenderFailed):
        render(template_of("notice.staff"), values)  # no notice text


@pytest.mark.parametrize("qualification", list(Qualification))
def test_every_template_names_the_register_of_the_qualification(qualification: Qualification) -> None:
    values = {
        "holder": "佐藤 様",
        "date": "令和8年3月16日（2026-03-16）",
        "reference": "a-1",
        "qualification": qualification.japanese,
        "notice_subject": "お知らせ",
        "notice_body": "本文",
    }
    others = [q.japanese for q in Qualification if q is not qualification]
    for kind, template in TEMPLATES.items():
        if not template.to_holder:
            continue  # staff alerts carry ids only, no template text
        message = render(template, values)
        assert message.subject.startswith(f"【{qualification.japanese}名簿】"), kind
        assert not any(other in message.subject + message.text for other in others), kind
