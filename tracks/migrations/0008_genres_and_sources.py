"""One spelling per genre, and the time beside each field's source.

Genres are normalised in place ("techno" and "TECHNO" become "Techno"), one UPDATE per distinct
spelling. metadata_sources goes from {field: provider} to {field: {"source": provider, "at": time}},
the time being the track's last fetch (or its last change, for a field a person edited). A year-only
release date cannot be told from the first of January after the fact, so precisions start as "day"
and the next fetch corrects them.
"""

from django.db import migrations

from tracks.genres import normalise_genre


def forwards(apps, schema_editor):
    Track = apps.get_model("tracks", "Track")
    spellings = Track.objects.exclude(genre="").order_by().values_list("genre", flat=True).distinct()
    for spelling in list(spellings):
        normal = normalise_genre(spelling)
        if normal != spelling:
            Track.objects.filter(genre=spelling).update(genre=normal)
    batch = []
    for track in Track.objects.exclude(metadata_sources={}).only("id", "metadata_sources", "metadata_fetched_at",
                                                                  "updated_at").iterator(chunk_size=2000):
        when = (track.metadata_fetched_at or track.updated_at).isoformat(timespec="seconds")
        sources = {field: entry if isinstance(entry, dict) else {"source": str(entry), "at": when}
                   for field, entry in (track.metadata_sources or {}).items()}
        if sources != track.metadata_sources:
            track.metadata_sources = sources
            batch.append(track)
        if len(batch) >= 2000:
            Track.objects.bulk_update(batch, ["metadata_sources"])
            batch = []
    Track.objects.bulk_update(batch, ["metadata_sources"])


def backwards(apps, schema_editor):
    Track = apps.get_model("tracks", "Track")
    batch = []
    for track in Track.objects.exclude(metadata_sources={}).only("id", "metadata_sources").iterator(chunk_size=2000):
        track.metadata_sources = {field: entry.get("source", "") if isinstance(entry, dict) else entry
                                  for field, entry in track.metadata_sources.items()}
        batch.append(track)
    Track.objects.bulk_update(batch, ["metadata_sources"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("tracks", "0007_release_date_precision")]
    operations = [migrations.RunPython(forwards, backwards)]
