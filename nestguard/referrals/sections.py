"""The sections of a referral, in the order of its task list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    hint: str


SECTIONS: tuple[Section, ...] = (
    Section("your_details", "Your details", "How triage can contact you"),
    Section("people", "People of concern", "Who you are worried about, as far as you know"),
    Section("address", "Address", "Where it is happening"),
    Section("concerns", "Concerns and signs", "What kind of exploitation, and what you saw"),
    Section("urgency", "Urgency", "How soon someone needs to look at this"),
    Section("consent", "Lawful basis and consent", "Why you may share this information"),
)
SECTION_CODES: tuple[str, ...] = tuple(s.code for s in SECTIONS)
SECTION_TITLES: dict[str, str] = {s.code: s.title for s in SECTIONS}
