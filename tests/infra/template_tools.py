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


def references(value: Any) -> set[str]:
    """Every logical id a piece of template names with Ref or Fn::GetAtt (pseudo parameters aside)."""
    found: set[str] = set()
    if isinstance(value, dict):
        if isinstance(value.get("Ref"), str) and not value["Ref"].startswith("AWS::"):
            found.add(value["Ref"])
        if "Fn::GetAtt" in value:
            found.add(str(value["Fn::GetAtt"][0]))
        for inner in value.values():
            found |= references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= references(inner)
    return found


def created_before(resources: Resources, logical_id: str) -> set[str]:
    """What CloudFormation must have created before ``logical_id``: DependsOn and references, transitively."""
    seen: set[str] = set()
    todo = [logical_id]
    while todo:
        resource = resources.get(todo.pop(), {})
        direct = set(as_list(resource.get("DependsOn", []))) | references(resource.get("Properties", {}))
        for found in direct - seen:
            seen.add(found)
            todo.append(found)
    return seen


# Properties that give a resource its physical name, where the name must be unique in the
# account and region (names scoped to a parent, like a user pool's group names, are left out).
NAME_PROPERTIES = frozenset(
    {
        "AlarmName",
        "AliasName",
        "BucketName",
        "DashboardName",
        "Domain",
        "EmailIdentity",
        "FunctionName",
        "LogGroupName",
        "Name",
        "QueueName",
        "RoleName",
        "TableName",
        "TopicName",
        "UserPoolName",
    }
)
_SCOPED_NAMES = frozenset({"AWS::Cognito::UserPoolGroup", "AWS::ApiGateway::RestApi", "AWS::ApiGateway::Authorizer"})
_PSEUDO = {"AWS::AccountId": "<account>", "AWS::Region": "<region>", "AWS::Partition": "<partition>"}


def literal(value: Any) -> str | None:
    """A name fixed by the template itself (literals and account/region only), else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value.get("Ref") in _PSEUDO:
        return _PSEUDO[value["Ref"]]
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        resolved = [literal(part) for part in parts]
        return None if None in resolved else str(separator).join(str(part) for part in resolved)
    return None


def physical_names(resources: Resources) -> dict[str, str]:
    """``{fixed name: logical id}`` of every resource whose template fixes its physical name."""
    found = {}
    for logical_id, resource in resources.items():
        if resource["Type"] in _SCOPED_NAMES:
            continue
        for key, value in resource.get("Properties", {}).items():
            name = literal(value) if key in NAME_PROPERTIES else None
            if name is not None:
                found[name] = logical_id
    return found


def _substitute(value: Any, parameters: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("Ref"), str) and value["Ref"] in parameters:
            return parameters[value["Ref"]]
        return {k: _substitute(v, parameters) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, parameters) for v in value]
    return value


def nested_templates(template: dict[str, Any], outdir: Path) -> dict[str, dict[str, Any]]:
    """``{nested stack resource id: its template}``, found in the assembly by the asset path CDK
    records, else by their parameters and the construct id in the file name."""
    files = {p.name: p for p in outdir.glob("*.nested.template.json")}
    found = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::CloudFormation::Stack":
            continue
        path = resource.get("Metadata", {}).get("aws:asset:path")
        if path not in files:
            names = set(resource["Properties"].get("Parameters", {}))
            construct_id = logical_id.split("NestedStack")[0]
            candidates = [
                name
                for name, p in files.items()
                if set(json.loads(p.read_text()).get("Parameters", {})) == names and construct_id in name
            ]
            if len(candidates) > 1:  # several stages in one assembly: the parent's name is in the file's
                candidates = [n for n in candidates if _stage_prefix(template) in n]
            [path] = candidates
        found[logical_id] = json.loads(files[path].read_text())
    return found


def _stage_prefix(template: dict[str, Any]) -> str:
    """The parent stack's name as CDK spells it in its nested templates' file names."""
    tags = [
        r["Properties"].get("Tags", [])
        for r in template["Resources"].values()
        if r["Type"] == "AWS::CloudFormation::Stack"
    ]
    stage = next((t["Value"] for ts in tags for t in ts if t["Key"] == "stage"), "")
    return f"AhakiRegister{stage}"


def _resolve_outputs(value: Any, outputs: dict[tuple[str, str], Any]) -> Any:
    if isinstance(value, dict):
        attribute = value.get("Fn::GetAtt")
        if len(value) == 1 and isinstance(attribute, list) and (attribute[0], attribute[1]) in outputs:
            return outputs[(attribute[0], attribute[1])]
        return {k: _resolve_outputs(v, outputs) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_outputs(v, outputs) for v in value]
    return value


def flattened(template: dict[str, Any], outdir: Path) -> dict[str, Any]:
    """The stack with its nested stacks' resources in it, each parameter replaced by what the
    parent passes and each nested output by its value: the tests read one template whichever
    stack a resource lives in."""
    resources = dict(template["Resources"])
    outputs: dict[tuple[str, str], Any] = {}
    for logical_id, nested in nested_templates(template, outdir).items():
        parameters = resources[logical_id]["Properties"].get("Parameters", {})
        for nested_id, resource in nested["Resources"].items():
            assert nested_id not in resources, nested_id
            resources[nested_id] = _substitute(resource, parameters)
        for name, output in nested.get("Outputs", {}).items():
            outputs[(logical_id, f"Outputs.{name}")] = _substitute(output["Value"], parameters)
    for _ in range(3):  # a sibling's output passed on as a parameter: resolved in a second round
        outputs = {k: _resolve_outputs(v, outputs) for k, v in outputs.items()}
    resources = {k: _resolve_outputs(v, outputs) for k, v in resources.items()}
    return {**template, "Resources": resources}
