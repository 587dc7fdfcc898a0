from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0004_report_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["status", "triage_due_at"], name="referral_status_due_idx"),
        ),
    ]
