"""What the tests of conflicting saves share (docs/decisions/0084-optimistic-concurrency.md)."""

from __future__ import annotations

import re
from typing import Any


def form_version(response: Any) -> str:
    """The version an edit page's form carries in its hidden input."""
    found = re.search(r'name="version" value="(\d+)"', response.content.decode())
    assert found, "the form carries the record's version"
    return found.group(1)


def error_summary(response: Any) -> str:
    """The text of a page's GOV.UK error summary."""
    page = response.content.decode()
    start = page.index('class="govuk-error-summary"')
    return page[start : page.index("</ul>", start)]
