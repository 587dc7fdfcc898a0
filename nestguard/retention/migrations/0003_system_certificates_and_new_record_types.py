"""Disposal reaches every record type of the schedule (decision 0111): the rules this
version now carries out are marked automated, the new record types' rules (public reports,
deconfliction notices, housing signals) are added from data/schedule.json, and a
certificate may be written by the system itself (the backups' expiry)."""

import json
from pathlib import Path

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SCHEDULE = Path(__file__).resolve().parent.parent / "data" / "schedule.json"
FIELDS = ("label", "runs_from", "period_months", "action", "automated", "local_policy", "source")
NOW_AUTOMATED = (
    "warning_marker",
    "missing_episode",
    "nrm_record",
    "intelligence",
    "source_records",
    "audit_events",
)


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    rule_model = apps.get_model("retention", "RetentionRule")
    # Whether Nestguard carries a rule out is the software's capability, not the DPO's
    # choice (periods, events, actions and sources they edit are kept).
    rule_model.objects.filter(code__in=NOW_AUTOMATED).update(automated=True)
    for rule in json.loads(SCHEDULE.read_text())["rules"]:
        rule_model.objects.get_or_create(code=rule["code"], defaults={k: rule[k] for k in FIELDS})


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0002_schedule_first_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="disposalcertificate",
            name="carried_out_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
