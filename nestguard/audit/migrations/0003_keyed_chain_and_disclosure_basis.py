"""The keyed chain (decision 0076) and the basis of each disclosure (decision 0077).

Every event already recorded keeps verifying by the rule it was written under: the new
`hash_scheme` column is added with `sha256` for existing rows, and only then does its default
become `hmac-sha256` for the rows written from now on. Adding columns rebuilds the table on
SQLite, so its append-only triggers are put back afterwards.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

triggers = importlib.import_module("nestguard.audit.migrations.0002_append_only_triggers")

SCHEMES = [
    ("sha256", "SHA-256 (before the chain was keyed)"),
    ("hmac-sha256", "HMAC-SHA256 under NESTGUARD_AUDIT_KEY"),
]
SQLITE_ONLY_DROP = triggers._run({"sqlite": triggers.SQLITE_DROP})
SQLITE_ONLY_CREATE = triggers._run({"sqlite": triggers.SQLITE_CREATE})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_linkage_reviewer_and_first_responder"),
        ("audit", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.RunPython(SQLITE_ONLY_DROP, SQLITE_ONLY_CREATE),
        migrations.AddField(
            model_name="auditevent",
            name="hash_scheme",
            field=models.CharField(choices=SCHEMES, default="sha256", max_length=20),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash_scheme",
            field=models.CharField(choices=SCHEMES, default="hmac-sha256", max_length=20),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sharing_agreement",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.sharingagreement",
            ),
        ),
        migrations.RunPython(SQLITE_ONLY_CREATE, SQLITE_ONLY_DROP),
        migrations.CreateModel(
            name="ChainCheck",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("checked_at", models.DateTimeField(db_index=True)),
                ("events_checked", models.PositiveBigIntegerField()),
                ("intact", models.BooleanField()),
                ("first_broken_id", models.BigIntegerField(blank=True, null=True)),
                ("reason", models.CharField(max_length=300)),
                ("anchors_compared", models.PositiveIntegerField()),
            ],
            options={"ordering": ["-checked_at", "-id"]},
        ),
    ]
