from django.db import migrations, models


def identified_by_backfill(apps, schema_editor):
    """Credit the lines identified before the field existed: the library for a library match, else the source of
    the first candidate kept (the one identification linked, best first); a person's accept stays uncredited."""
    TrackDiscovery = apps.get_model("library", "TrackDiscovery")
    TrackDiscovery.objects.filter(status="identified", method="library").update(identified_by="library")
    lines = TrackDiscovery.objects.filter(status="identified", method="api").only("pk", "candidates")
    for line in lines.iterator(chunk_size=2000):
        first = line.candidates[0] if isinstance(line.candidates, list) and line.candidates else {}
        source = first.get("source") if isinstance(first, dict) else ""
        if isinstance(source, str) and source:
            TrackDiscovery.objects.filter(pk=line.pk).update(identified_by=source[:30])


class Migration(migrations.Migration):

    dependencies = [
        ("library", "0004_statistics_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="trackdiscovery",
            name="identified_by",
            field=models.CharField(
                blank=True, db_index=True, max_length=30,
                help_text="The provider whose candidate is linked (“library” for the library's own track).",
            ),
        ),
        migrations.AddField(
            model_name="trackdiscovery",
            name="reason",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="why",
                help_text="Why identification linked this candidate, or why it asks a person.",
            ),
        ),
        migrations.RunPython(identified_by_backfill, migrations.RunPython.noop),
    ]
