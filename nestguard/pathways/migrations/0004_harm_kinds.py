"""Harm during a missing episode becomes coded kinds (issue 16 point 7): the yes/no answers
are carried over, yes as "Other harm" (its kind was written in the details), no as "No harm
known", and an answer not given stays empty (not recorded). Reversible: any harm but those two
back to yes."""

from django.db import migrations, models

YES = ["other_harm"]
NO = ["none"]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Episode = apps.get_model("pathways", "MissingEpisode")
    Episode.objects.filter(harm_during=True).update(harm=YES)
    Episode.objects.filter(harm_during=False).update(harm=NO)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Episode = apps.get_model("pathways", "MissingEpisode")
    for episode in Episode.objects.exclude(harm=[]).only("pk", "harm").iterator():
        kinds = set(episode.harm)
        answer = None if kinds == {"not_known"} else False if kinds == {"none"} else True
        Episode.objects.filter(pk=episode.pk).update(harm_during=answer)


class Migration(migrations.Migration):
    dependencies = [("pathways", "0003_missing_report_index")]

    operations = [
        migrations.AddField(
            model_name="missingepisode",
            name="harm",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="missingepisode", name="harm_during"),
    ]
