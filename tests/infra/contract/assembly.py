"""The whole cloud assembly as one graph: every template in cdk.out, however many stacks.

The contract tests read resources through this, never one stack's template by name, so they hold
when the stack is split (a platform stack and context stacks, or nested stacks). A reference is
followed across stacks: ``Ref``/``Fn::GetAtt`` within a template, ``Fn::ImportValue`` through the
exporting stack's outputs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.infra.template_tools import flattened


@dataclass(frozen=True)
class Resource:
    stack: str  # the template file's stem
    logical_id: str
    type: str
    properties: dict[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        return (self.stack, self.logical_id)


class Assembly:
    def __init__(self, outdir: Path) -> None:
        # A nested stack's resources are read as part of its parent, parameters and outputs
        # resolved: a reference from a context's stack to the platform is followed like any other.
        self.templates: dict[str, dict[str, Any]] = {
            path.name.removesuffix(".template.json"): flattened(json.loads(path.read_text(encoding="utf-8")), outdir)
            for path in sorted(outdir.glob("*.template.json"))
            if not path.name.endswith(".nested.template.json")
        }
        assert self.templates, f"no template in {outdir}"
        self.resources: dict[tuple[str, str], Resource] = {
            (stack, logical_id): Resource(stack, logical_id, raw["Type"], raw.get("Properties", {}))
            for stack, template in self.templates.items()
            for logical_id, raw in template.get("Resources", {}).items()
        }
        self._exports: dict[str, tuple[str, Any]] = {
            output["Export"]["Name"]: (stack, output["Value"])
            for stack, template in self.templates.items()
            for output in template.get("Outputs", {}).values()
            if isinstance(output.get("Export", {}).get("Name"), str)
        }

    def of_type(self, cfn_type: str) -> list[Resource]:
        return [r for r in self.resources.values() if r.type == cfn_type]

    def refs(self, stack: str, value: Any) -> Iterator[Resource]:
        """Every resource a value refers to (inside joins and conditions too), across stacks."""
        if isinstance(value, list):
            for item in value:
                yield from self.refs(stack, item)
        elif isinstance(value, dict):
            if set(value) == {"Ref"} or set(value) == {"Fn::GetAtt"}:
                target = value.get("Ref") or value["Fn::GetAtt"][0]
                found = self.resources.get((stack, str(target)))
                if found is not None:
                    yield found
                return
            if set(value) == {"Fn::ImportValue"} and isinstance(value["Fn::ImportValue"], str):
                exported = self._exports.get(value["Fn::ImportValue"])
                if exported is not None:
                    yield from self.refs(*exported)
                return
            for item in value.values():
                yield from self.refs(stack, item)

    def ref(self, stack: str, value: Any, cfn_type: str) -> Resource | None:
        found = [r for r in self.refs(stack, value) if r.type == cfn_type]
        return found[0] if len(found) == 1 else None

    def refers_to(self, resource: Resource, target: Resource) -> bool:
        return any(found.key == target.key for found in self.refs(resource.stack, resource.properties))

    # -- functions ----------------------------------------------------------------------------------

    def functions(self) -> dict[str, Resource]:
        """Lambda functions by their name in the route table (``POWERTOOLS_SERVICE_NAME``)."""
        found: dict[str, Resource] = {}
        for fn in self.of_type("AWS::Lambda::Function"):
            name = self.environment(fn).get("POWERTOOLS_SERVICE_NAME")
            if isinstance(name, str):
                assert name not in found, f"two functions named {name}"
                found[name] = fn
        return found

    @staticmethod
    def environment(fn: Resource) -> dict[str, Any]:
        variables: dict[str, Any] = fn.properties.get("Environment", {}).get("Variables", {})
        return variables

    def role_statements(self, fn: Resource) -> list[tuple[str, dict[str, Any]]]:
        """(stack, statement) for each Allow of every policy on the function's role (managed or inline)."""
        role = self.ref(fn.stack, fn.properties["Role"], "AWS::IAM::Role")
        assert role is not None, fn.logical_id
        documents = [(role.stack, p["PolicyDocument"]) for p in role.properties.get("Policies", [])]
        for policy in self.of_type("AWS::IAM::ManagedPolicy") + self.of_type("AWS::IAM::Policy"):
            if any(r.key == role.key for r in self.refs(policy.stack, policy.properties.get("Roles", []))):
                documents.append((policy.stack, policy.properties["PolicyDocument"]))
        return [(stack, s) for stack, d in documents for s in d["Statement"] if s.get("Effect") == "Allow"]

    def granted(self, fn: Resource) -> set[str]:
        """Logical ids of the resources the function's role is allowed to act on."""
        return {
            target.logical_id
            for stack, statement in self.role_statements(fn)
            for target in self.refs(stack, statement.get("Resource", []))
        }
