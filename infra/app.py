#!/usr/bin/env python3
"""CDK entry point (cdk.json runs ``.venv/bin/python infra/app.py`` from the repository root)."""

from __future__ import annotations

import sys
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [
    str(_REPO_ROOT),  # infra.register_stack
    str(_REPO_ROOT / "layers" / "ahaki" / "python"),  # ahaki: table/key specs, route table
]

from infra.register_stack.app_builder import build_app  # noqa: E402
from infra.register_stack.paths import MissingDependencyLayerError  # noqa: E402


def main() -> int:
    try:
        app = build_app()
    except MissingDependencyLayerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
