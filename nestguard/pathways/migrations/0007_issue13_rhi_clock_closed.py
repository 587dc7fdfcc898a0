# Issue 13 point 1 (decision 0121): the episode carries whether its return interview's clock
# is closed, filled here from the interviews already recorded, and the open clocks are indexed.

from typing import Any

from django.db import migrations, models


def close_the_clocks_of_recorded_interviews(apps: Any, schema_editor: Any) -> None:
    """An episode whose interview's outcome closes the clock (`rhi_outcomes` `closes_clock`,
    read from the code list as it is when the migration runs) has its clock closed."""
    from nestguard.pathways import policy

    closing = [c.code for c in policy.codes("rhi_outcomes").codes if c.get("closes_clock")]
    episodes = apps.get_model("pathways", "MissingEpisode")
    interviews = apps.get_model("pathways", "ReturnInterview")
    held = interviews.objects.filter(outcome__in=closing).values("episode_id")
    episodes.objects.filter(pk__in=held).update(rhi_clock_closed=True)


class Migration(migrations.Migration):

    dependencies = [
        ('pathways', '0006_onward_follow_up'),
    ]

    operations = [
        migrations.AddField(
            model_name='missingepisode',
            name='rhi_clock_closed',
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(close_the_clocks_of_recorded_interviews, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='missingepisode',
            index=models.Index(condition=models.Q(('returned_at__isnull', False), ('rhi_clock_closed', False)), fields=['returned_at', 'id'], name='missing_rhi_open_idx'),
        ),
    ]
