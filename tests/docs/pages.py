"""Finding the documentation pages whose code is tested, and their fenced code blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# Pages whose ```python blocks are run: the narrative pages, not the reference or the measurements.
TESTED = ["index.md", "getting-started.md", "reliability.md", "concepts/*.md", "guides/*.md"]
# Fences that are not run must say what they are; an unlabelled or "py" fence would escape the test silently.
OTHER_LANGUAGES = {"bash", "console", "text", "json", "yaml", "toml", "dockerfile"}

_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)


@dataclass(frozen=True)
class Block:
    """One fenced code block: its language, its source and the line its code starts on."""

    language: str
    code: str
    line: int


def narrative_pages() -> list[Path]:
    """The pages whose Python blocks the tests run, sorted by path."""
    return sorted({path for pattern in TESTED for path in DOCS.glob(pattern)})


def blocks(page: Path) -> list[Block]:
    """Every top-level fenced block of ``page``, in order."""
    text = page.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(text):
        line = text.count("\n", 0, match.start(2)) + 1
        found.append(Block(match.group(1).strip(), match.group(2), line))
    return found


def page_id(page: Path) -> str:
    """``guides/custom-layer.md`` for the test ids."""
    return page.relative_to(DOCS).as_posix()
