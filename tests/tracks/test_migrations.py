"""Moving MetadataFetchTask onto the job engine keeps every row and what it said."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("tracks", "0002_fetch_task_items")]
AFTER = [("tracks", "0004_job_engine")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_fetch_tasks_and_their_items_keep_their_data_through_the_move():
    old = migrate(BEFORE)
    Track = old.get_model("tracks", "Track")
    Task = old.get_model("tracks", "MetadataFetchTask")
    Item = old.get_model("tracks", "MetadataFetchTaskItem")
    track = Track.objects.create(title="bad guy")
    task = Task.objects.create(task_type="bulk_audience", status="completed", total=1, processed=1, successful=1)
    Item.objects.create(task=task, track=track, status="succeeded", changed_fields=["label", "bpm"], position=0)
    try:
        new = migrate(AFTER)
        Task = new.get_model("tracks", "MetadataFetchTask")
        moved = Task.objects.get(pk=task.pk)
        assert (moved.kind, moved.status, moved.total, moved.processed, moved.successful) == (
            "bulk_audience", "completed", 1, 1, 1,
        )
        item = new.get_model("tracks", "MetadataFetchTaskItem").objects.get(job_id=task.pk)
        assert (item.track_id, item.status, item.result) == (track.pk, "succeeded", {"changed": ["label", "bpm"]})
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_genres_take_one_spelling_and_each_source_gains_its_time():
    old = migrate([("tracks", "0007_release_date_precision")])
    Track = old.get_model("tracks", "Track")
    import datetime

    fetched = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC)
    one = Track.objects.create(title="a", genre="techno", metadata_sources={"bpm": "beatport", "title": "manual"},
                               metadata_fetched_at=fetched)
    two = Track.objects.create(title="b", genre="TECHNO")
    three = Track.objects.create(title="c", genre="drum and bass")
    try:
        new = migrate([("tracks", "0008_genres_and_sources")])
        Track = new.get_model("tracks", "Track")
        assert [Track.objects.get(pk=t.pk).genre for t in (one, two, three)] == ["Techno", "Techno", "Drum & Bass"]
        assert Track.objects.get(pk=one.pk).metadata_sources == {
            "bpm": {"source": "beatport", "at": "2026-11-01T12:00:00+00:00"},
            "title": {"source": "manual", "at": "2026-11-01T12:00:00+00:00"},
        }
        # And back: the sources lose their times, nothing else.
        back = migrate([("tracks", "0007_release_date_precision")])
        assert back.get_model("tracks", "Track").objects.get(pk=one.pk).metadata_sources == {
            "bpm": "beatport", "title": "manual",
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_versions_move_out_of_titles_and_back():
    old = migrate([("tracks", "0008_genres_and_sources")])
    Track = old.get_model("tracks", "Track")
    remix = Track.objects.create(title="Tackywakeup (Marek Hemmann Remix)")
    plain = Track.objects.create(title="Bats")
    try:
        new = migrate([("tracks", "0009_track_version")])
        Track = new.get_model("tracks", "Track")
        moved = Track.objects.get(pk=remix.pk)
        assert (moved.title, moved.version, moved.remixers) == ("Tackywakeup", "Marek Hemmann Remix", ["Marek Hemmann"])
        assert (Track.objects.get(pk=plain.pk).title, Track.objects.get(pk=plain.pk).version) == ("Bats", "")
        back = migrate([("tracks", "0008_genres_and_sources")])
        assert back.get_model("tracks", "Track").objects.get(pk=remix.pk).title == "Tackywakeup (Marek Hemmann Remix)"
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
