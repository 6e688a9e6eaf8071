"""Problem messages name the rule, never our model classes (whose names can coincide with what a
caller sent, and tell a client nothing)."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from ahaki.http.problems import from_validation
from ahaki.registry.domain.commands import Registration


@pytest.mark.parametrize("value", [None, "text", 7, ["a"]])
def test_a_non_object_where_an_object_belongs_names_no_class(value: object) -> None:
    with pytest.raises(ValidationError) as raised:
        Registration.model_validate({"name": value})
    shown = json.loads(str(from_validation(raised.value.errors()).body))
    messages = {e["field"]: e["message"] for e in shown["errors"]}
    assert messages["name"] == "must be an object (see the schema)"
    assert "instance of" not in json.dumps(shown)
