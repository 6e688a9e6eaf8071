"""What a function's cold start loads: its handler's import makes no AWS client, loads none of the
libraries that only some requests need (each is imported where it is used), and no fake.

Each function is imported in a fresh interpreter (``sys.modules`` of this process holds everything
the suite imported). Timings are figures for ``make bench``; these are the properties behind them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
FUNCTIONS = sorted(p.name for p in (REPO / "functions").iterdir() if (p / "handler.py").exists())

# Loaded where used: signature checks (cryptography, rfc8785's caller), My Number check digits
# (python-stdnum, which loads pydoc), nationalities (pycountry), deadlines (jpholiday), X-Ray.
ON_USE_ONLY = ("cryptography", "stdnum", "pycountry", "jpholiday", "aws_xray_sdk")
# Our own modules a function needs for some requests only: the attachment content checks are the
# attachment function's work, and the review function's only when staff open a file.
OWN_ON_USE_ONLY = {"application_review": ("ahaki.intake.domain.pdf_content", "ahaki.intake.domain.pdf_filters")}

_PROBE = """
import json, sys
import botocore.session
made = []
create = botocore.session.Session.create_client
def counting(self, *args, **kwargs):
    made.append(args[0] if args else kwargs.get("service_name"))
    return create(self, *args, **kwargs)
botocore.session.Session.create_client = counting
import importlib
importlib.import_module(sys.argv[1])
print(json.dumps({"clients": made, "modules": sorted(sys.modules)}))
"""


def _cold_import(function: str) -> dict[str, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "layers" / "ahaki" / "python"), str(REPO)])
    env.setdefault("AWS_DEFAULT_REGION", "ap-northeast-1")
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, f"functions.{function}.handler"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


@pytest.fixture(scope="module")
def cold() -> dict[str, dict[str, list[str]]]:
    return {function: _cold_import(function) for function in FUNCTIONS}


@pytest.mark.parametrize("function", FUNCTIONS)
def test_importing_a_handler_makes_no_client(cold: dict[str, dict[str, list[str]]], function: str) -> None:
    assert cold[function]["clients"] == []


@pytest.mark.parametrize("function", FUNCTIONS)
def test_libraries_some_requests_need_load_on_use(cold: dict[str, dict[str, list[str]]], function: str) -> None:
    assert sorted(set(ON_USE_ONLY) & {m.split(".")[0] for m in cold[function]["modules"]}) == []


@pytest.mark.parametrize("function", sorted(OWN_ON_USE_ONLY))
def test_our_modules_some_requests_need_load_on_use(cold: dict[str, dict[str, list[str]]], function: str) -> None:
    assert sorted(set(OWN_ON_USE_ONLY[function]) & set(cold[function]["modules"])) == []


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_deployed_function_loads_no_fake(cold: dict[str, dict[str, list[str]]], function: str) -> None:
    """The fake J-LIS answers in tests and the sandbox only (JLIS_ADAPTER=fake)."""
    assert [m for m in cold[function]["modules"] if m.startswith("ahaki.") and "fake" in m] == []


def test_the_probe_sees_what_a_handler_loads() -> None:
    """The same probe on a module that loads a listed library and makes a client reports both."""
    probe = "import boto3, stdnum.jp.in_; boto3.client('dynamodb', region_name='ap-northeast-1')"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.replace("importlib.import_module(sys.argv[1])", probe), "-"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["clients"] == ["dynamodb"]
    assert "stdnum.jp.in_" in found["modules"]
