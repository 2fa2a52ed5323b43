"""The porting guides' table of differing Keras / PyTorch defaults is what ``docs/scripts/defaults_table.py`` makes."""

from __future__ import annotations

import importlib.util

from tests.docs.pages import ROOT


def test_porting_guides_show_the_current_defaults() -> None:
    spec = importlib.util.spec_from_file_location("defaults_table", ROOT / "docs" / "scripts" / "defaults_table.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    for page in script.PAGES:
        text = page.read_text(encoding="utf-8")
        assert script.page_with_table(text) == text, f"{page.name} is out of date; run {script.__file__} --write"
    assert "| `optim.RMSprop(alpha)` | `0.99` |" in script.table()
