"""Indexes for the discovery statistics (library/statistics.py), measured with bench/discovery_stats.py.

A sighting is a line identified or provisional with a library track; the partial indexes hold only those.
- discovery_sighting_time_idx: a period's sightings by identified_at, with the track and the mix in the index
  itself, so that a day, week or month is read from the index alone.
- discovery_sighting_track_idx, discovery_sighting_mix_idx: the sightings in track and in mix order, so that
  "most played" (mixes per track), "top mixes" (tracks per mix) and the de-duplication of all-time's tracks read
  an index already in order instead of sorting 1,000,000 rows (without them all-time takes twice as long).
- discovery_identified_at_idx: the lines decided in the trends' window, for the identification success rates.

They are database-only operations: TrackDiscovery's Meta belongs to the discovery code, which this migration
leaves alone, so Django's model state (and makemigrations) does not see them. Were they ever declared in
TrackDiscovery.Meta.indexes, this migration's database operations would become a plain AddIndex each.
SQLite ignores INCLUDE and keeps the rest.
"""

from django.db import migrations, models
from django.db.models import Q

SIGHTING = Q(status__in=["identified", "provisional"], library_track__isnull=False)

INDEXES = [
    models.Index(fields=["identified_at"], include=["library_track", "tracklist"], condition=SIGHTING,
                 name="discovery_sighting_time_idx"),
    models.Index(fields=["library_track", "tracklist"], include=["identified_at"], condition=SIGHTING,
                 name="discovery_sighting_track_idx"),
    models.Index(fields=["tracklist", "library_track"], include=["identified_at"], condition=SIGHTING,
                 name="discovery_sighting_mix_idx"),
    models.Index(fields=["identified_at"], name="discovery_identified_at_idx"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("library", "0003_review_queue"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AddIndex(model_name="trackdiscovery", index=index) for index in INDEXES],
        ),
    ]
