"""The person and case pages' sections on placements, education and transitions:
`{% load childhood %}{% childhood_person_section person profile.cases %}` and
`{% childhood_case_section case subjects %}` (the case page's subject rows), read through the
door for the signed-in user (`selectors.person_section`, `selectors.case_section`)."""

from __future__ import annotations

from typing import Any

from django import template

from nestguard.childhood import selectors

register = template.Library()


def _user(context: Any) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("childhood/_person_section.html", takes_context=True)
def childhood_person_section(context: Any, person: Any, cases: Any = None) -> dict[str, Any]:
    """`cases`: the cases naming the person that the page already found the user may see."""
    on_case = None if cases is None else bool(cases)
    return selectors.person_section(_user(context), person, on_case)


@register.inclusion_tag("childhood/_case_section.html", takes_context=True)
def childhood_case_section(context: Any, case: Any, subjects: Any) -> dict[str, Any]:
    people = [subject["row"].person for subject in subjects]
    return selectors.case_section(_user(context), case, people)
