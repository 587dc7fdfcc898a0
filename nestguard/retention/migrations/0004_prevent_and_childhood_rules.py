"""The retention rules of Prevent referrals, placements, education statuses and transition
plans (decisions 0109, 0110, 0111), added from data/schedule.json when missing; a rule a data
protection officer has already edited is never touched."""

import json
from pathlib import Path

from django.db import migrations

SCHEDULE = Path(__file__).resolve().parent.parent / "data" / "schedule.json"
FIELDS = ("label", "runs_from", "period_months", "action", "automated", "local_policy", "source")
NEW = ("prevent_referral", "placement", "education_status", "transition_plan")


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    rule_model = apps.get_model("retention", "RetentionRule")
    for rule in json.loads(SCHEDULE.read_text())["rules"]:
        if rule["code"] in NEW:
            rule_model.objects.get_or_create(
                code=rule["code"], defaults={k: rule[k] for k in FIELDS}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0003_system_certificates_and_new_record_types"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
