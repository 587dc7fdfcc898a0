"""A page with errors says so once at the start of its title ("Error: ..."): the base template
adds the prefix whenever `form.errors` or `errors` is set, so a page's own title block must not
add it again for the same form (screen readers announced "Error: Error: ..." on eleven pages)."""

from __future__ import annotations

import re
from pathlib import Path

_NESTGUARD = Path(__file__).resolve().parents[1] / "nestguard"
_TITLE_BLOCK = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)
_BASE_CONDITION = re.compile(r"{%\s*if\s+(form\.errors|errors)\b")


def _title_blocks() -> list[tuple[Path, str]]:
    found = []
    for template in _NESTGUARD.glob("**/templates/**/*.html"):
        for block in _TITLE_BLOCK.findall(template.read_text(encoding="utf-8")):
            found.append((template, block))
    return found


def test_the_base_template_adds_the_error_prefix() -> None:
    base = (_NESTGUARD / "templates" / "base.html").read_text(encoding="utf-8")
    assert "{% if form.errors or errors %}Error: {% endif %}" in base


def test_no_page_adds_the_error_prefix_the_base_already_adds() -> None:
    blocks = _title_blocks()
    assert len(blocks) > 100  # the scan found the pages' title blocks
    doubled = [
        str(path.relative_to(_NESTGUARD))
        for path, block in blocks
        if "Error:" in block and _BASE_CONDITION.search(block)
    ]
    assert doubled == []
