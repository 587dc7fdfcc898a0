"""Words for the demo's free-text fields: summaries, signs seen, notes, reasons. Made up."""

from __future__ import annotations

CASE_SUMMARIES: dict[str, str] = {
    "cuckooing": (
        "{name} ({age}) at {address}: the home is believed to be used by others to deal "
        "drugs; callers at all hours and the resident rarely seen."
    ),
    "county_lines": (
        "{name} ({age}) believed to be running drugs on a county line: missing episodes, "
        "new phones and train tickets."
    ),
    "cce": (
        "{name} ({age}) at risk of criminal exploitation: associating with older males, "
        "carrying cash and missing school."
    ),
    "cse": (
        "{name} ({age}) at risk of sexual exploitation by older males met online; gifts "
        "and late nights out."
    ),
    "financial": (
        "{name} ({age}) handing over money and bank cards to people who visit; rent "
        "arrears building up."
    ),
    "family": "{name} ({age}) exploited by a relative living at {address}.",
    "sexual": "{name} ({age}) coerced into selling sex from {address}.",
    "modern_slavery": (
        "{name} ({age}) working without pay and living at {address} under the control of others."
    ),
}

SIGNS: dict[str, tuple[str, ...]] = {
    "cuckooing": (
        "Neighbours report people coming and going through the night and a smell of cannabis.",
        "Resident told me new 'friends' are staying and she cannot ask them to leave.",
        "Door wedged open, needles on the landing, the resident looked frightened.",
        "Keys reported lost three times this month; unknown men answering the door.",
    ),
    "county_lines": (
        "Found in another town twice this month with cash and two phones.",
        "Returned from a missing episode with train tickets and would not say where he was.",
    ),
    "cce": (
        "Seen getting into cars with older lads after school; new trainers and phone.",
        "Attendance has dropped sharply; says he 'works for' someone.",
    ),
    "cse": (
        "Talks about an older boyfriend who buys her vodka and phone credit.",
        "Picked up from school by different adults in cars.",
    ),
    "financial": (
        "Rent arrears since a new 'friend' started collecting his benefits.",
        "Says she lends money to people who then come back every payday.",
    ),
    "family": ("Her son has moved back in and others now use the flat to store things.",),
    "sexual": ("Several men visit the flat each evening; she appears controlled by one man.",),
    "modern_slavery": ("Works long hours at a car wash for no pay; sleeps at the address.",),
}

NOTES: tuple[str, ...] = (
    "Joint visit with the neighbourhood officer. Resident answered; two visitors left as we "
    "arrived.",
    "Phone call with the resident: agreed to a visit next week with the recovery worker.",
    "Discussed at the weekly exploitation meeting; actions agreed with police and housing.",
    "No answer at the door; card left. Neighbour says the visitors have stopped.",
    "Resident attended the recovery service appointment with support.",
    "Met at school with the designated safeguarding lead; safety plan reviewed.",
    "Police patrols increased; the address flagged for the response team.",
)

OUTCOME_SENTENCES: dict[str, str] = {
    "target_hardening_wraparound": (
        "New locks and a door camera fitted and support from the recovery service; the "
        "resident stays in the tenancy."
    ),
    "cpw_cpn": "Community Protection Warnings served on the visitors, then a Notice.",
    "moved": "The abuse was too severe for the resident to stay; moved to a safe property.",
    "perpetrators_excluded": "The perpetrators were excluded from the address and kept away.",
    "warnings_issued": "Warnings issued to the people visiting the address.",
    "arrested_convicted": "The main perpetrator was arrested and charged.",
    "closure_order": "A closure order was granted for the property.",
    "no_exploitation_found": "Enquiries found no sign of exploitation.",
    "disengaged": "The resident would not engage and insisted nothing was wrong.",
}

RESOLUTION_SENTENCES: dict[str, str] = {
    "positively_resolved": "Positively resolved: the person is no longer being exploited.",
    "declined_passed_to_asb": "Declined to engage; passed to the anti-social behaviour team.",
    "not_resolved": "Closed without resolution.",
}

DECLINE_REASONS: dict[str, str] = {
    "no_exploitation_indicated": "What was reported is a neighbour dispute, not exploitation.",
    "insufficient_information": "Not enough detail to act on; the referrer was asked for more.",
    "already_supported": "Already supported by the adult safeguarding team.",
    "duplicate": "Duplicate of a referral received the day before.",
    "outside_area": "The address is outside Northbrook; passed to the neighbouring partnership.",
}

REDIRECT_REASONS: dict[str, str] = {
    "mash": "A child protection concern: sent to the Multi-Agency Safeguarding Hub.",
    "adult_safeguarding": "Needs a Care Act section 42 enquiry by adult safeguarding.",
    "asb_team": "Anti-social behaviour with no sign of exploitation: sent to the ASB team.",
    "police": "A crime to report: passed to the police.",
}

JUDGEMENT_REASONS: tuple[str, ...] = (
    "Recent missing episode not yet reflected in the items.",
    "New intelligence that the line holder has been released from prison.",
    "Strong protective family now in place; the items overstate the risk.",
    "Disclosure at the last visit raises the concern beyond the score.",
)

UNKNOWN_ADDRESS_REASON = "No fixed address: sofa-surfing between friends in the borough."
