"""Redactable payloads (decision 0105, issue 15): new events chain over a keyed digest of
their payload (object label and details), and the append-only triggers permit exactly one
UPDATE per event: retention's redaction, which sets `redacted_at` once and may change only
`object_label` and `details` of an event written under the digest scheme. Everything the
chain binds (including the digest) stays unchanged, so the chain still verifies; DELETE and
TRUNCATE are still refused. Adding columns rebuilds the table on SQLite, so the triggers are
dropped first and created afresh afterwards.
"""

import importlib

from django.db import migrations, models

triggers = importlib.import_module("nestguard.audit.migrations.0002_append_only_triggers")

MESSAGE = triggers.MESSAGE
SCHEMES = [
    ("sha256", "SHA-256 (before the chain was keyed)"),
    ("hmac-sha256", "HMAC-SHA256 under NESTGUARD_AUDIT_KEY"),
    ("hmac-sha256-pd", "HMAC-SHA256 over a payload digest"),
]
# Every column but the payload (object_label, details) and redacted_at must stay as it was.
UNCHANGED = [
    "id",
    "occurred_at",
    "actor_id",
    "actor_label",
    "agency_id",
    "agency_label",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "lawful_basis",
    "sharing_agreement_id",
    "hash_scheme",
    "prev_hash",
    "hash",
    "payload_digest",
]
REDACTION_SQLITE = " AND ".join(
    [
        "OLD.redacted_at IS NULL",
        "NEW.redacted_at IS NOT NULL",
        "OLD.hash_scheme = 'hmac-sha256-pd'",
        *[f"NEW.{c} IS OLD.{c}" for c in UNCHANGED],
    ]
)
_cols = ", ".join(UNCHANGED)
REDACTION_POSTGRES = " AND ".join(
    [
        "OLD.redacted_at IS NULL",
        "NEW.redacted_at IS NOT NULL",
        "OLD.hash_scheme = 'hmac-sha256-pd'",
        "ROW(" + ", ".join(f"NEW.{c}" for c in UNCHANGED) + ") IS NOT DISTINCT FROM ROW("
        + ", ".join(f"OLD.{c}" for c in UNCHANGED) + ")",
    ]
)

SQLITE_CREATE = [
    f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
        WHEN NOT ({REDACTION_SQLITE})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND {REDACTION_POSTGRES} THEN RETURN NEW; END IF;
            RAISE EXCEPTION '{MESSAGE}';
        END; $$ LANGUAGE plpgsql;""",
]
POSTGRES_RESTORE = [triggers.POSTGRES_CREATE[0]]


def _run(statements_by_vendor):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_chain_and_disclosure_basis")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": triggers.SQLITE_DROP}), _run({"sqlite": triggers.SQLITE_CREATE})
        ),
        migrations.AddField(
            model_name="auditevent",
            name="payload_digest",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="redacted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash_scheme",
            field=models.CharField(choices=SCHEMES, default="hmac-sha256-pd", max_length=20),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": triggers.SQLITE_DROP, "postgresql": POSTGRES_RESTORE}),
        ),
    ]
