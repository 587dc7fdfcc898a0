"""What other apps show on the referral pages, registered by them (decision 0007's seam, as
for the submit hooks in hooks.py, docs/decisions/0071-layers-checked-by-a-tool.md).

The referral pages must not load another app's template tags or include its templates: the
apps that build on referrals (the person index shows who may already know a person) sit
above this app. Each registers a part once, from its AppConfig `ready()`::

    from nestguard.referrals.page_parts import register_page_part

    def _known(context, referral):
        return render_template_part(context, "linkage/_referral_known.html")

    register_page_part("detail", "linkage.known", _known)

and the referral templates say where parts go: `{% load referral_parts %}{% referral_parts
"detail" referral %}`. A part reads through its own app's selectors and returns "" when it
has nothing to show; parts in one slot render in the order of their codes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template import Context
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

# Where on the referral pages a part may go: the person form (below the date of birth),
# each person on the people page, the address of the answers, the foot of a referral's page,
# the head of the triage queue (public reports waiting, decision 0100).
SLOTS = ("person_form", "subject", "address", "detail", "queue")


# (the page's template context, the referral or person the slot is about) -> HTML or "".
PagePart = Callable[[Context, Any], SafeString]


@dataclass(frozen=True)
class RegisteredPart:
    slot: str
    code: str
    render: PagePart


_PARTS: dict[tuple[str, str], RegisteredPart] = {}


def register_page_part(slot: str, code: str, render: PagePart) -> None:
    if slot not in SLOTS:
        raise ValueError(f"no slot {slot!r} on the referral pages; slots are {SLOTS}")
    key = (slot, code)
    if key in _PARTS and _PARTS[key].render is not render:
        raise ValueError(f"page part {code!r} is registered twice in {slot!r}")
    _PARTS[key] = RegisteredPart(slot, code, render)


def page_parts(slot: str) -> list[RegisteredPart]:
    return sorted((part for part in _PARTS.values() if part.slot == slot), key=lambda p: p.code)


def render_page_parts(slot: str, context: Context, obj: Any = None) -> SafeString:
    return format_html_join("", "{}", ((part.render(context, obj),) for part in page_parts(slot)))


def render_template_part(context: Context, template_name: str) -> SafeString:
    """Another app's template rendered with the page's context, as `{% include %}` would."""
    page = context.template
    assert page is not None, "a page part renders only inside a template"
    template = page.engine.get_template(template_name)
    with context.push():
        return template.render(context)
