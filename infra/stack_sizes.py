"""Print the resource count and template size of every stack (nested ones too) against
CloudFormation's limits: ``python -m infra.stack_sizes [cdk.out]`` after ``make synth``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESOURCE_LIMIT = 500
TEMPLATE_LIMIT_BYTES = 1_000_000  # a template uploaded to S3 (CDK always uploads)


def sizes(outdir: Path) -> list[tuple[str, int, int]]:
    """``(template file, resources, bytes)`` for each template of the assembly."""
    found = []
    for path in sorted(outdir.glob("*.template.json")):
        text = path.read_text(encoding="utf-8")
        found.append((path.name, len(json.loads(text).get("Resources", {})), len(text.encode())))
    return found


def main(argv: list[str]) -> int:
    outdir = Path(argv[1] if len(argv) > 1 else "cdk.out")
    rows = sizes(outdir)
    if not rows:
        print(f"no templates in {outdir}: run `make synth` first", file=sys.stderr)
        return 1
    print(f"{'template':<64} {'resources':>9} {'of':>4} {'KB':>7} {'of':>6}")
    for name, count, size in rows:
        print(f"{name:<64} {count:>9} {RESOURCE_LIMIT:>4} {size / 1000:>7.0f} {TEMPLATE_LIMIT_BYTES / 1000:>6.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
