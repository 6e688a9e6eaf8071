"""Reading the synthesized template: shared by the infra tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import assertions

Resources = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Synthesized:
    template: dict[str, Any]
    assertions: assertions.Template
    outdir: Path

    @property
    def resources(self) -> Resources:
        return self.template["Resources"]  # type: ignore[no-any-return]

    def of_type(self, cfn_type: str) -> Resources:
        return {k: v for k, v in self.resources.items() if v["Type"] == cfn_type}

    def validation_report(self) -> dict[str, Any]:
        report: dict[str, Any] = json.loads((self.outdir / "validation-report.json").read_text())
        return report


def ref_id(value: Any) -> str:
    """A resource reference as a readable string: ``X`` for Ref/GetAtt X, ``X/index/i`` for joins."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
        if "Fn::Join" in value:
            separator, parts = value["Fn::Join"]
            return str(separator).join(ref_id(p) for p in parts)
    return json.dumps(value, sort_keys=True)


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
