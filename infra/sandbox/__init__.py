"""The local sandbox: the real handlers behind a local HTTP API, AWS emulated by moto in-process."""

import sys
from pathlib import Path

# `python -m infra.sandbox` runs from the repository root without PYTHONPATH: find the domain layer
# the way Lambda would (pytest and mypy already have it on their paths).
_LAYER = str(Path(__file__).resolve().parents[2] / "layers" / "ahaki" / "python")
if _LAYER not in sys.path:
    sys.path.append(_LAYER)
