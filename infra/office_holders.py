"""The tenants' tables of office holders (items 24/25) from CDK context ``ahaki:officeHolders``.

``{"<tenant>": [{"office": "minister" | "chair", "name": …, "since": "YYYY-MM-DD", "until": …}]}``,
validated at synth (a bad table fails ``cdk synth``), set as OFFICE_HOLDERS on the functions. The
sandbox reads the same context from cdk.json (``from_cdk_json``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ahaki.registry.domain.office_holders import OfficeHolders
from ahaki.registry.wiring import OFFICE_HOLDERS_ENV

if TYPE_CHECKING:  # no CDK at run time: the sandbox imports this module too
    from constructs import Node

    from infra.register_stack.functions import Functions

REPO_ROOT = Path(__file__).resolve().parents[1]

CONTEXT_KEY = "ahaki:officeHolders"


def office_holders_json(value: Any) -> str:
    """The context value as the functions read it, after validating every tenant's table."""
    if isinstance(value, str):  # -c ahaki:officeHolders='{…}' arrives as a string
        value = json.loads(value or "{}")
    tables: Mapping[str, Any] = value or {}
    for holders in tables.values():
        OfficeHolders.model_validate({"holders": holders})
    return json.dumps(tables, ensure_ascii=False, sort_keys=True)


def from_cdk_json() -> str:
    """For the sandbox and the tests: the same table the stack deploys."""
    context = json.loads((REPO_ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    return office_holders_json(context.get(CONTEXT_KEY))


def configure(node: Node, functions: Functions) -> None:
    value = office_holders_json(node.try_get_context(CONTEXT_KEY))
    functions.offer({OFFICE_HOLDERS_ENV: value})  # to every function that reads it (REGISTER in environment.py)
