"""Every source path the README, docs/*.md and the code's comments name exists: a pointer to
moved code rots silently.

A path counts when it ends in ``.py`` and starts at the repository's layers/, functions/, infra/,
tests/ or benchmarks/, at the package (``ahaki/...``) or at one of its top folders
(``registry/adapters/sequence.py``), both under layers/ahaki/python/.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "layers" / "ahaki" / "python"
PACKAGE_FOLDERS = ("kernel", "registry", "intake", "residents", "notifications", "http")
# A path starts after anything that is not part of a path (a backtick, a space, a bracket…).
PATH = re.compile(
    r"(?<![\w./-])((?:layers|functions|infra|tests|benchmarks|ahaki|"
    + "|".join(PACKAGE_FOLDERS)
    + r")/[\w./-]*?\.py)\b"
)
SOURCES = ("layers/ahaki/python/ahaki", "functions", "infra", "tests", "benchmarks")


def named_paths(text: str) -> list[str]:
    return [m for m in PATH.findall(text) if "..." not in m]  # layers/.../x.py abbreviates


def _file_of(path: str) -> Path:
    if path.startswith("ahaki/"):
        return PACKAGE / path
    if path.split("/", 1)[0] in PACKAGE_FOLDERS:
        return PACKAGE / "ahaki" / path
    return ROOT / path


def missing(text: str) -> list[str]:
    return [path for path in named_paths(text) if not _file_of(path).is_file()]


def _documents() -> list[Path]:
    docs = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
    code = [p for folder in SOURCES for p in sorted((ROOT / folder).rglob("*.py")) if "node_modules" not in p.parts]
    return [p for p in (*docs, *code) if p.is_file() and p != Path(__file__).resolve()]


def test_every_path_the_docs_and_comments_name_exists() -> None:
    stale = {str(p.relative_to(ROOT)): missing(p.read_text(encoding="utf-8")) for p in _documents()}
    assert {name: paths for name, paths in stale.items() if paths} == {}


def test_a_stale_path_is_caught() -> None:
    text = (
        "see `ahaki/services/registry.py`, functions/registry_api/handler.py, infra/nowhere.py,"
        " (registry/adapters/sequence.py) and intake/services/intake.py"
    )
    assert named_paths(text) == [
        "ahaki/services/registry.py",
        "functions/registry_api/handler.py",
        "infra/nowhere.py",
        "registry/adapters/sequence.py",
        "intake/services/intake.py",
    ]
    assert missing(text) == ["ahaki/services/registry.py", "infra/nowhere.py", "intake/services/intake.py"]
