"""Print the resource count and template size of every stack (nested ones too) against
CloudFormation's limits, and what five more contexts would add: ``python -m infra.stack_sizes
[cdk.out [AhakiRegister-<stage>]]`` after ``make synth``.

The estimate per new context: a context brings its own nested stack (estimated as large as the
largest context stack today) and grows each shared stack (the platform, the API, its stage, monitoring) by
what scales in it divided by the number of contexts it serves today. What scales: every resource
of a type the stack holds more than one of (methods, tables, alarms...); a type held once (the
REST API, its stage, the firewall, the user pool) does not grow. An upper bound: it also counts
as growth what is several but fixed (the API's log groups, the keys of the platform).
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

RESOURCE_LIMIT = 500
TEMPLATE_LIMIT_BYTES = 1_000_000  # a template uploaded to S3 (CDK always uploads)
HEADROOM = 0.6  # every stack stays within 60 % of both limits
# The nested stacks every context shares; every other nested stack is a context's (infra/register_stack/contexts/).
SHARED_STACKS = ("ApiStack", "ApiStageStack", "MonitoringStack")
MORE_CONTEXTS = 5


@dataclass(frozen=True)
class StackSize:
    name: str  # the template file
    resources: int
    size: int  # bytes
    per_context: tuple[int, int]  # what one more context adds: (resources, bytes)

    @property
    def is_context(self) -> bool:
        return is_context_stack(self.name)

    def with_more_contexts(self, count: int) -> tuple[int, int]:
        return self.resources + count * self.per_context[0], self.size + count * self.per_context[1]


def is_context_stack(template: str) -> bool:
    return template.endswith(".nested.template.json") and not any(shared in template for shared in SHARED_STACKS)


def sizes(outdir: Path, stack_id: str | None = None) -> list[tuple[str, int, int]]:
    """``(template file, resources, bytes)`` for each template of the assembly (of one stack and
    its nested stacks, if ``stack_id`` is given: an assembly may hold several stages)."""
    found = []
    for path in sorted(outdir.glob("*.template.json")):
        if stack_id is not None and not _of_stack(path.name, stack_id):
            continue
        text = path.read_text(encoding="utf-8")
        found.append((path.name, len(json.loads(text).get("Resources", {})), len(text.encode())))
    return found


def _of_stack(name: str, stack_id: str) -> bool:
    """``AhakiRegister-dev.template.json`` and its nested ``AhakiRegisterdev<Child>…`` (not dev2's)."""
    flat = stack_id.replace("-", "")
    return name == f"{stack_id}.template.json" or (name.startswith(flat) and name[len(flat) : len(flat) + 1].isupper())


def _scaling(path: Path) -> tuple[int, int]:
    """(resources, bytes) of the resources whose type the template holds more than once."""
    resources = json.loads(path.read_text(encoding="utf-8")).get("Resources", {})
    types = Counter(resource["Type"] for resource in resources.values())
    scaling = [r for r in resources.values() if types[r["Type"]] > 1]
    return len(scaling), sum(len(json.dumps(r, indent=1).encode()) for r in scaling)


def estimates(outdir: Path, stack_id: str | None = None) -> list[StackSize]:
    rows = sizes(outdir, stack_id)
    contexts = [row for row in rows if is_context_stack(row[0])]
    served = max(len(contexts), 1)
    largest = (max((r for _, r, _ in contexts), default=0), max((s for _, _, s in contexts), default=0))
    found = []
    for name, count, size in rows:
        own = is_context_stack(name)
        # A context stack does not grow with new contexts: each new context is a stack like it.
        scaling_count, scaling_bytes = (0, 0) if own else _scaling(outdir / name)
        growth = (math.ceil(scaling_count / served), math.ceil(scaling_bytes / served))
        found.append(StackSize(name, count, size, growth))
    if contexts:
        found.append(StackSize("(each new context's own stack, as the largest)", *largest, (0, 0)))
    return found


def main(argv: list[str]) -> int:
    outdir = Path(argv[1] if len(argv) > 1 else "cdk.out")
    # One stage's stack: cdk.out keeps the templates of every stage synthesized before.
    rows = estimates(outdir, argv[2] if len(argv) > 2 else None)
    if not rows:
        print(f"no templates in {outdir}: run `make synth` first", file=sys.stderr)
        return 1
    print(f"{'template':<64} {'resources':>9} {'KB':>5} {'+/context':>11} {f'with {MORE_CONTEXTS} more':>14}")
    for row in rows:
        count, size = row.with_more_contexts(MORE_CONTEXTS)
        print(
            f"{row.name:<64} {row.resources:>4} {row.resources / RESOURCE_LIMIT:>4.0%} {row.size / 1000:>5.0f}"
            f" {row.per_context[0]:>4} {row.per_context[1] / 1000:>4.0f}KB"
            f" {count / RESOURCE_LIMIT:>6.0%} {size / TEMPLATE_LIMIT_BYTES:>6.0%}"
        )
    print(f"limits: {RESOURCE_LIMIT} resources, {TEMPLATE_LIMIT_BYTES / 1000:.0f} KB per template")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
