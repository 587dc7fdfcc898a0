# Issue 13 point 1 (decision 0121): the warning-marker review clock reads a user's or an
# agency's markers in force in review order, through an index of them, not the borough's.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0006_ward_boundary'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='warningmarker',
            index=models.Index(condition=models.Q(('withdrawn_at__isnull', True)), fields=['owner', 'review_on', 'id'], name='marker_owner_review_idx'),
        ),
        migrations.AddIndex(
            model_name='warningmarker',
            index=models.Index(condition=models.Q(('withdrawn_at__isnull', True)), fields=['owner_agency', 'review_on', 'id'], name='marker_agency_review_idx'),
        ),
    ]
