#!/usr/bin/env python3
"""CDK entry point (cdk.json runs ``.venv/bin/python infra/app.py`` from the repository root)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:0] = [
    str(Path(__file__).resolve().parent),  # register_stack
    str(Path(__file__).resolve().parent.parent / "layers" / "ahaki" / "python"),  # ahaki (specs, routes)
]

from register_stack.app_builder import build_app  # noqa: E402
from register_stack.paths import MissingDependencyLayerError  # noqa: E402


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
