# Issue 13 point 1 (decision 0123): a child's link to a case not closed carries the days of
# their transition alert (opens at 17 and a half, due at 18, lapses at 25), filled here from the
# people's dates of birth and the cases' opening, and the links that have one are indexed by
# the due day.

from typing import Any

from django.db import migrations, models


def work_out_the_transition_dates(apps: Any, schema_editor: Any) -> None:
    """Each link of a person with a date of birth to a case not closed, by the transition rules
    as the code list says when the migration runs (`childhood.policy.transition_dates`, which
    the model uses)."""
    from nestguard.childhood.policy import opened_on, transition_dates

    links = apps.get_model("cases", "CaseSubject")
    rows = (
        links.objects.filter(person__date_of_birth__isnull=False)
        .exclude(case__status="closed")
        .values_list("pk", "person__date_of_birth", "case__opened_at")
    )
    found: dict[Any, list[Any]] = {}
    for pk, born, opened_at in rows.iterator(chunk_size=5000):
        dates = transition_dates(born, opened_on(opened_at))
        if dates is not None:
            found.setdefault(dates, []).append(pk)
    for dates, pks in found.items():
        for start in range(0, len(pks), 500):
            links.objects.filter(pk__in=pks[start : start + 500]).update(
                transition_opens_on=dates.opens_on,
                transition_due_on=dates.due_on,
                transition_lapses_on=dates.lapses_on,
            )


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_case_stamp_indexes'),
        ('people', '0003_person_born_idx'),
    ]

    operations = [
        migrations.AddField(
            model_name='casesubject',
            name='transition_due_on',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='casesubject',
            name='transition_lapses_on',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='casesubject',
            name='transition_opens_on',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(work_out_the_transition_dates, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='casesubject',
            index=models.Index(condition=models.Q(('transition_opens_on__isnull', False)), fields=['transition_due_on', 'transition_opens_on', 'transition_lapses_on', 'case', 'person', 'id'], name='subject_transition_idx'),
        ),
    ]
