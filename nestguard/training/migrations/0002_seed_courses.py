"""The courses of data/courses.json, as editable records (decision 0104). A course already
there (by code) is left as the partnership edited it."""

import json
import uuid
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "courses.json"


def seed(apps, schema_editor):
    Course = apps.get_model("training", "Course")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for entry in data["codes"]:
        Course.objects.get_or_create(
            code=entry["code"],
            defaults={
                "id": uuid.uuid4(),
                "name": entry["label"],
                "refresh_months": entry["refresh_months"],
                "target_percent": data["target_percent"],
                "source": entry["source"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_training_register")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
