"""Messages and events validated by Powertools' parser; a refusal names the fields, never the values.

pydantic's own error text quotes the input (``input_value=...``), and a message may carry an
address or a name: the refusal below drops it, so a log line or a traceback never shows one.
"""

from __future__ import annotations

from typing import Any, TypeVar

from aws_lambda_powertools.utilities.parser import parse
from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)


class MalformedMessage(ValueError):
    """The message does not fit its model: which model, which fields (no values)."""

    def __init__(self, model: str, fields: list[str]) -> None:
        self.model = model
        self.fields = fields
        super().__init__(f"{model}: invalid {', '.join(fields)}")


def refusal(error: ValidationError) -> MalformedMessage:
    """``error`` without its values: the model that refused (an envelope's or the payload's), the fields."""
    return MalformedMessage(
        error.title, sorted({".".join(str(p) for p in e["loc"]) or "(root)" for e in error.errors()})
    )


def parse_message(data: dict[str, Any] | str, model: type[Model]) -> Model:
    """``data`` (a dict, or JSON text) as ``model``; MalformedMessage, without the values, if it does not fit."""
    try:
        return parse(event=data, model=model)  # type: ignore[arg-type]  # parse validates JSON text too
    except ValidationError as error:
        raise refusal(error) from None  # the cause quotes the values
