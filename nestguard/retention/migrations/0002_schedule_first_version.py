"""The schedule's first version, from data/schedule.json (each rule with its source)."""

import json
from pathlib import Path

from django.db import migrations

SCHEDULE = Path(__file__).resolve().parent.parent / "data" / "schedule.json"
FIELDS = ("label", "runs_from", "period_months", "action", "automated", "local_policy", "source")


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    rule_model = apps.get_model("retention", "RetentionRule")
    for rule in json.loads(SCHEDULE.read_text())["rules"]:
        rule_model.objects.get_or_create(
            code=rule["code"], defaults={k: rule[k] for k in FIELDS}
        )


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
