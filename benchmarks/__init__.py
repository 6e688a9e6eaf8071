"""Benchmarks that print figures (never timed assertions). Run all with ``python -m benchmarks``.

Each figure is a count, or a ratio against a baseline measured in the same run: the machine is
shared and noisy, so absolute timings are printed for context only.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LAYER = REPO / "layers" / "ahaki" / "python"

for _path in (str(LAYER), str(REPO)):
    if _path not in sys.path:
        sys.path.insert(0, _path)
