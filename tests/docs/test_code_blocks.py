"""Every ```python block of the narrative pages runs, on each backend.

A page's blocks run in order in one namespace (later blocks use what earlier
ones defined), in a temporary working directory, so a page reads as one
program. Code that cannot run in a test (it needs a server) is fenced as
``bash`` or ``text``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import dualnet as dn
from tests.docs.pages import OTHER_LANGUAGES, blocks, narrative_pages, page_id

PAGES = narrative_pages()


def test_the_pages_exist() -> None:
    names = {page_id(page) for page in PAGES}
    assert {"index.md", "getting-started.md", "concepts/errors.md", "guides/custom-layer.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_fences_are_labelled(page: Path) -> None:
    for block in blocks(page):
        assert block.language == "python" or block.language in OTHER_LANGUAGES, (
            f"{page_id(page)}:{block.line}: fence language {block.language!r}; use python (run by this test) "
            f"or one of {sorted(OTHER_LANGUAGES)}"
        )


@pytest.mark.parametrize("page", [p for p in PAGES if any(b.language == "python" for b in blocks(p))], ids=page_id)
def test_python_blocks_run(page: Path, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    try:
        for block in blocks(page):
            if block.language != "python":
                continue
            code = compile(block.code, f"{page_id(page)}:{block.line}", "exec")
            try:
                exec(code, namespace)
            except Exception as exc:
                raise AssertionError(f"{page_id(page)}, block at line {block.line}, on {backend}: {exc!r}") from exc
    finally:
        dn.set_backend(backend)  # a page may switch backends; leave the one the fixture chose
