"""Where things are in the repository, independent of the current directory."""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
INFRA_DIR = REPO_ROOT / "infra"
FUNCTIONS_DIR = REPO_ROOT / "functions"
DOMAIN_LAYER_DIR = REPO_ROOT / "layers" / "ahaki"  # holds python/ahaki/...
DEPENDENCY_LAYER_DIR = REPO_ROOT / "layers" / "dependencies"  # holds python/<site-packages>
CDK_JSON = REPO_ROOT / "cdk.json"


def ensure_import_paths() -> None:
    """Make ``ahaki`` (the domain layer) and ``infra.register_stack`` importable."""
    for path in (DOMAIN_LAYER_DIR / "python", REPO_ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


class MissingDependencyLayerError(RuntimeError):
    pass


def require_dependency_layer() -> Path:
    """The dependency layer directory, or a clear error telling how to build it."""
    site = DEPENDENCY_LAYER_DIR / "python"
    if not (site / "aws_lambda_powertools").is_dir() or not (site / "pydantic").is_dir():
        raise MissingDependencyLayerError(
            f"The dependency layer is missing or incomplete: {site} has no aws_lambda_powertools/ "
            "or pydantic/. Build it first with `make layers` "
            "(= `.venv/bin/python infra/build_layer.py`), then synthesize again."
        )
    return DEPENDENCY_LAYER_DIR
