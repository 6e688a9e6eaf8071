"""Lambda runtime, architecture, layers, environment and logs."""

from __future__ import annotations

import pathlib

import pytest

from ahaki.http.routes import Function
from ahaki.kernel.specs import KEYS, TABLES
from infra.register_stack import paths
from tests.infra.template_tools import Synthesized, ref_id

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def test_one_function_per_route_table_function(synthesized: Synthesized) -> None:
    functions = synthesized.of_type("AWS::Lambda::Function").values()
    names = sorted(f["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] for f in functions)
    assert names == sorted(f.value for f in Function)


def test_functions_run_python_3_14_on_arm64_with_both_layers(synthesized: Synthesized) -> None:
    layers = set(synthesized.of_type("AWS::Lambda::LayerVersion"))
    assert len(layers) == 2
    for fn in synthesized.of_type("AWS::Lambda::Function").values():
        props = fn["Properties"]
        assert props["Runtime"] == "python3.14"
        assert props["Architectures"] == ["arm64"]
        assert props["Handler"] == "handler.lambda_handler"
        assert {ref_id(layer) for layer in props["Layers"]} == layers


def test_environment_names_the_tables_and_keys(synthesized: Synthesized) -> None:
    # Each function is given only what it reads (its declared reads; test_deploy_first), and
    # whatever it is given names the right table or key.
    for fn in synthesized.of_type("AWS::Lambda::Function").values():
        env = fn["Properties"]["Environment"]["Variables"]
        for spec in TABLES:
            if spec.env_var in env:
                assert env[spec.env_var] == {"Ref": spec.logical_id}
        for key in KEYS:
            if key.env_var and key.env_var in env:
                assert env[key.env_var] == {"Fn::GetAtt": [key.logical_id, "Arn"]}
        assert env["POWERTOOLS_LOG_LEVEL"] == "INFO"
        assert env.get("AUDIT_SHARDS", "16") == "16"


def test_every_log_group_is_encrypted_and_expires(synthesized: Synthesized) -> None:
    log_groups = synthesized.of_type("AWS::Logs::LogGroup")
    assert log_groups
    for logical_id, group in log_groups.items():
        assert ref_id(group["Properties"]["KmsKeyId"]) == "LogsKey", logical_id
        assert group["Properties"]["RetentionInDays"] > 0, logical_id


def test_a_missing_dependency_layer_tells_to_run_make_layers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    monkeypatch.setattr(paths, "DEPENDENCY_LAYER_DIR", tmp_path)
    with pytest.raises(paths.MissingDependencyLayerError, match="make layers"):
        paths.require_dependency_layer()
