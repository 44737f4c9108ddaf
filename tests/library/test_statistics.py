"""Discovery statistics: hand-counted figures for each period, trends, the cache, the stored rows,
the command, the page."""

import datetime
import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from library import statistics
from library.models import DiscoveryStatistics, DiscoveryStatus, TrackDiscovery
from library.tasks import store_discovery_statistics
from tests.factories import (
    LibraryTrackFactory,
    TrackDiscoveryFactory,
    TrackFactory,
    TracklistFactory,
    UserFactory,
    WantListFactory,
)
from tests.pages import messages_of
from tests.services import clear_test_cache
from wantlist.models import WantList

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 18)  # a Wednesday: its week is Monday 16 to Sunday 22 March


@pytest.fixture(autouse=True)
def empty_cache():
    clear_test_cache()  # the figures are cached by period and day, which the tests share
    yield
    clear_test_cache()


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def line(tracklist, library_track, when, status=DiscoveryStatus.IDENTIFIED, **fields) -> TrackDiscovery:
    return TrackDiscoveryFactory(tracklist=tracklist, library_track=library_track, status=status,
                                 identified_at=when, **fields)


class Library:
    """Five tracks sighted in four mixes between 10 February and 18 March 2026, and lines that are no sightings."""

    def __init__(self):
        def entry(credit, label, genre, title):
            return LibraryTrackFactory(track=TrackFactory(title=title, credit_name=credit,
                                                          artists=[credit] if credit else [],
                                                          label=label, genre=genre))

        self.l1 = entry("Bicep", "Ninja Tune", "Techno", "Glue")
        self.l2 = entry("Bicep", "Feel My Bicep", "House", "Apricots")
        self.l3 = entry("Ben Klock", "Ostgut Ton", "Techno", "Subzero")
        self.l4 = entry("", "", "", "Untitled")  # no artist, label or genre: counted as a track, nothing else
        self.l5 = entry("Peggy Gou", "Ninja Tune", "House", "Starry Night")
        self.m1 = TracklistFactory(name="Fabric 101", dj="Ben Klock")
        self.m2 = TracklistFactory(name="Boiler Room", dj="Peggy Gou")
        self.m3 = TracklistFactory(name="Essential Mix", dj="Ben Klock")
        self.m4 = TracklistFactory(name="Old mix", dj="Bicep")
        yesterday, march_2, february_10 = (
            TODAY - datetime.timedelta(days=1), datetime.date(2026, 3, 2), datetime.date(2026, 2, 10))
        # Today: 5 sightings in 2 mixes.
        line(self.m1, self.l1, at(TODAY, 10))
        line(self.m1, self.l2, at(TODAY, 10, 5))
        line(self.m1, self.l3, at(TODAY, 10, 10))
        line(self.m2, self.l1, at(TODAY, 12))
        line(self.m2, self.l4, at(TODAY, 12, 5), status=DiscoveryStatus.PROVISIONAL)
        # Earlier this week, this month, and in February.
        line(self.m3, self.l3, at(yesterday, 9))
        line(self.m3, self.l1, at(yesterday, 9, 10))
        line(self.m4, self.l5, at(march_2, 20))
        line(self.m4, self.l3, at(february_10, 20))
        # No sightings: not identified, or pointing at no library track.
        line(self.m1, None, at(TODAY, 11), status=DiscoveryStatus.NEEDS_REVIEW)
        line(self.m2, None, at(TODAY, 11), status=DiscoveryStatus.UNIDENTIFIABLE)
        line(self.m1, self.l5, None, status=DiscoveryStatus.PENDING)
        line(self.m2, None, at(TODAY, 11), status=DiscoveryStatus.IDENTIFIED)


@pytest.fixture
def library() -> Library:
    return Library()


def test_a_day_counts_its_sightings_by_hand(library):
    figures = statistics.statistics_for(period="daily", day=TODAY)
    assert (figures["period"], figures["period_start"], figures["period_end"]) == ("daily", TODAY, TODAY)
    assert figures["sightings"] == 5
    assert figures["tracks_discovered"] == 4  # l1 twice
    assert figures["unique_artists"] == 2  # Bicep, Ben Klock; l4 has none
    assert figures["unique_labels"] == 3
    assert figures["tracklists_processed"] == 2
    assert figures["top_genres"] == [["Techno", 2], ["House", 1]]
    assert figures["top_artists"] == [["Bicep", 2], ["Ben Klock", 1]]
    assert figures["top_labels"] == [["Feel My Bicep", 1], ["Ninja Tune", 1], ["Ostgut Ton", 1]]
    assert figures["sources"] == {
        "mixes": [["Fabric 101", str(library.m1.pk), 3], ["Boiler Room", str(library.m2.pk), 2]],
        "djs": [["Ben Klock", 3], ["Peggy Gou", 2]],
    }
    assert figures["most_played"][0] == ["Bicep - Glue", str(library.l1.pk), 2]
    assert sorted(row[1:] for row in figures["most_played"][1:]) == sorted(
        [str(entry.pk), 1] for entry in (library.l2, library.l3, library.l4)
    )


def test_a_week_runs_monday_to_sunday_and_counts_distinct_tracks_per_dj(library):
    figures = statistics.statistics_for(period="weekly", day=TODAY)
    assert (figures["period_start"], figures["period_end"]) == (datetime.date(2026, 3, 16), datetime.date(2026, 3, 22))
    assert (figures["sightings"], figures["tracks_discovered"], figures["unique_artists"], figures["unique_labels"],
            figures["tracklists_processed"]) == (7, 4, 2, 3, 3)
    # Ben Klock played l1 and l3 in both his mixes: three distinct tracks, not five sightings.
    assert figures["sources"]["djs"] == [["Ben Klock", 3], ["Peggy Gou", 2]]
    mixes = figures["sources"]["mixes"]
    assert mixes[0] == ["Fabric 101", str(library.m1.pk), 3]
    assert sorted(mixes[1:]) == sorted([["Boiler Room", str(library.m2.pk), 2],
                                        ["Essential Mix", str(library.m3.pk), 2]])
    assert figures["most_played"][:2] == [["Bicep - Glue", str(library.l1.pk), 3],
                                          ["Ben Klock - Subzero", str(library.l3.pk), 2]]
    # Any day of the week gives the same week.
    assert statistics.statistics_for(period="weekly", day=datetime.date(2026, 3, 22))["sightings"] == 7


def test_a_month_is_the_calendar_month(library):
    figures = statistics.statistics_for(period="monthly", day=TODAY)
    assert (figures["period_start"], figures["period_end"]) == (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert (figures["sightings"], figures["tracks_discovered"], figures["unique_artists"], figures["unique_labels"],
            figures["tracklists_processed"]) == (8, 5, 3, 3, 4)
    assert figures["top_genres"] == [["House", 2], ["Techno", 2]]  # a tie goes by name
    assert figures["top_labels"][0] == ["Ninja Tune", 2]
    february = statistics.statistics_for(period="monthly", day=datetime.date(2026, 2, 28))
    assert (february["period_start"], february["period_end"]) == (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert (february["sightings"], february["top_artists"]) == (1, [["Ben Klock", 1]])


def test_all_time_runs_from_the_first_sighting_to_the_day(library):
    figures = statistics.statistics_for(period="all-time", day=TODAY)
    assert (figures["period"], figures["period_start"], figures["period_end"]) == (
        "all_time", datetime.date(2026, 2, 10), TODAY,
    )
    assert (figures["sightings"], figures["tracks_discovered"], figures["unique_artists"], figures["unique_labels"],
            figures["tracklists_processed"]) == (9, 5, 3, 3, 4)
    assert figures["sources"]["djs"] == [["Ben Klock", 3], ["Bicep", 2], ["Peggy Gou", 2]]
    assert sorted(row[1:] for row in figures["most_played"][:2]) == sorted(
        [[str(library.l1.pk), 3], [str(library.l3.pk), 3]]
    )
    before_march = statistics.statistics_for(period="all_time", day=datetime.date(2026, 3, 1))
    assert (before_march["sightings"], before_march["tracks_discovered"], before_march["period_end"]) == (
        1, 1, datetime.date(2026, 3, 1),
    )


def test_a_period_without_sightings_has_zeros_and_empty_lists(library):
    figures = statistics.statistics_for(period="daily", day=TODAY + datetime.timedelta(days=1))
    assert (figures["sightings"], figures["tracks_discovered"], figures["unique_artists"], figures["unique_labels"],
            figures["tracklists_processed"]) == (0, 0, 0, 0, 0)
    assert figures["top_genres"] == figures["most_played"] == [] and figures["sources"] == {"mixes": [], "djs": []}


def test_days_are_the_days_of_the_configured_time_zone(settings):
    late = TrackDiscoveryFactory(status=DiscoveryStatus.IDENTIFIED)
    TrackDiscovery.objects.filter(pk=late.pk).update(
        identified_at=datetime.datetime(2026, 3, 18, 23, 30, tzinfo=datetime.UTC),
    )
    settings.TIME_ZONE = "UTC"
    assert statistics.statistics_for(period="daily", day=TODAY, use_cache=False)["sightings"] == 1
    settings.TIME_ZONE = "Europe/Berlin"  # 00:30 on the 19th there
    assert statistics.statistics_for(period="daily", day=TODAY, use_cache=False)["sightings"] == 0
    assert statistics.statistics_for(period="daily", day=TODAY + datetime.timedelta(days=1),
                                     use_cache=False)["sightings"] == 1


def test_an_unknown_period_is_refused():
    with pytest.raises(ValueError, match="No period called 'yearly'"):
        statistics.statistics_for(period="yearly", day=TODAY)


def test_the_figures_are_cached_by_period_and_day(library, django_assert_num_queries):
    first = statistics.statistics_for(period="weekly", day=TODAY)
    line(library.m1, library.l5, at(TODAY, 18))  # a new sighting: the cache does not see it yet
    with django_assert_num_queries(0):
        assert statistics.statistics_for(period="weekly", day=TODAY) == first
    assert statistics.statistics_for(period="weekly", day=TODAY, use_cache=False)["sightings"] == first["sightings"] + 1
    assert statistics.statistics_for(period="daily", day=TODAY)["sightings"] == 6  # another key, computed afresh
    trends = statistics.trends(today=TODAY)
    with django_assert_num_queries(0):
        assert statistics.trends(today=TODAY) == trends


def test_computing_uncached_leaves_the_cache_alone(library):
    statistics.statistics_for(period="monthly", day=TODAY, use_cache=False)
    with CaptureQueriesContext(connection) as queries:
        statistics.statistics_for(period="monthly", day=TODAY)  # nothing was cached: computed here
    assert len(queries) > 0


def test_each_period_is_a_handful_of_aggregate_queries_whatever_the_size(library, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        statistics.statistics_for(period="all-time", day=TODAY, use_cache=False)
    with django_assert_max_num_queries(8):
        statistics.trends(today=TODAY, use_cache=False)


# --- Trends -----------------------------------------------------------------------------------


def sightings_of(credit: str, genre: str, days_ago: list[int], tracklist=None) -> None:
    entry = LibraryTrackFactory(track=TrackFactory(credit_name=credit, genre=genre))
    for ago in days_ago:
        line(tracklist or TracklistFactory(), entry, at(TODAY - datetime.timedelta(days=ago)))


def test_trending_artists_and_genres_are_those_that_rose(django_assert_max_num_queries):
    # The window is 17 February to 18 March (0-29 days ago); the days before, 18 January to 16 February (30-59).
    sightings_of("Rising Artist", "Techno", [0, 3, 29, 30])
    sightings_of("New Artist", "Electro", [10])
    sightings_of("Falling Artist", "House", [1, 31, 40, 50, 59])
    sightings_of("Steady Artist", "House", [2, 5, 35, 36])
    sightings_of("Gone Artist", "Ambient", [60, 61])  # before both windows: not counted at all
    trends = statistics.trends(today=TODAY)
    assert trends["window"] == [datetime.date(2026, 2, 17), TODAY]
    assert trends["previous"] == [datetime.date(2026, 1, 18), datetime.date(2026, 2, 16)]
    assert trends["trending_artists"] == [["Rising Artist", 3, 1], ["New Artist", 1, 0]]
    # Techno rose 3 against 1, Electro 1 against 0; House fell (3 against 6) and is left out.
    assert trends["trending_genres"] == [["Techno", 3, 1], ["Electro", 1, 0]]
    shorter = statistics.trends(days=7, today=TODAY)
    assert shorter["trending_artists"] == [["Rising Artist", 2, 0], ["Steady Artist", 2, 0], ["Falling Artist", 1, 0]]


def test_the_discovery_rate_counts_sightings_per_iso_week_for_twelve_weeks():
    entry = LibraryTrackFactory()
    mix = TracklistFactory()
    for day in (TODAY, datetime.date(2026, 3, 16), datetime.date(2026, 3, 15), datetime.date(2025, 12, 29),
                datetime.date(2025, 12, 28)):
        line(mix, entry, at(day))
    line(mix, entry, at(TODAY), status=DiscoveryStatus.NEEDS_REVIEW)
    rate = statistics.trends(today=TODAY)["discovery_rate"]
    assert len(rate) == 12
    assert rate[0] == [datetime.date(2025, 12, 29), 1]  # the 28th is a Sunday, in the week before the twelve
    assert rate[-2] == [datetime.date(2026, 3, 9), 1]
    assert rate[-1] == [datetime.date(2026, 3, 16), 2]
    assert sum(count for _, count in rate) == 4


def test_identification_success_per_provider_and_per_dj():
    klock, gou = TracklistFactory(dj="Ben Klock"), TracklistFactory(dj="Peggy Gou")
    entry = LibraryTrackFactory()
    day = at(TODAY - datetime.timedelta(days=3))
    line(klock, entry, day, sources_consulted=["library"], method="library", identified_by="library")
    # Both were asked, MusicBrainz's candidate was linked: only MusicBrainz is credited.
    line(klock, entry, day, sources_consulted=["musicbrainz", "spotify"], method="api", identified_by="musicbrainz")
    line(klock, None, day, status=DiscoveryStatus.NEEDS_REVIEW, sources_consulted=["musicbrainz"])
    line(gou, entry, day, status=DiscoveryStatus.PROVISIONAL, sources_consulted=["musicbrainz", "spotify"])
    line(gou, None, None, status=DiscoveryStatus.PENDING)  # not decided: left out
    line(gou, entry, at(TODAY - datetime.timedelta(days=45)), sources_consulted=["musicbrainz"])  # before the window
    success = statistics.trends(today=TODAY)["success"]
    assert (success["lines"], success["identified"], success["rate"]) == (4, 2, 0.5)
    assert success["by_provider"] == [
        {"provider": "musicbrainz", "label": "MusicBrainz", "consulted": 3, "identified": 1, "rate": 0.3333},
        {"provider": "spotify", "label": "Spotify", "consulted": 2, "identified": 0, "rate": 0.0},
        {"provider": "library", "label": "Library", "consulted": 1, "identified": 1, "rate": 1.0},
    ]
    assert success["by_method"] == [["api", 1], ["library", 1]]
    assert success["by_source"] == [
        {"dj": "Ben Klock", "lines": 3, "identified": 2, "rate": 0.6667},
        {"dj": "Peggy Gou", "lines": 1, "identified": 0, "rate": 0.0},
    ]


def want(status: str, added: datetime.datetime, changed: datetime.datetime, purchased: bool = True) -> WantList:
    entry = WantListFactory(status=status)
    bought = changed if status == "purchased" and purchased else None
    WantList.objects.filter(pk=entry.pk).update(added_at=added, updated_at=changed, purchased_at=bought)
    return entry


def test_want_list_conversion_counts_what_became_of_the_entries_added():
    recent, old = at(TODAY - datetime.timedelta(days=5)), at(TODAY - datetime.timedelta(days=90))
    want("purchased", recent, at(TODAY - datetime.timedelta(days=1)))
    want("purchased", recent, recent)
    want("wanted", recent, recent)
    want("unavailable", recent, recent)
    want("purchased", old, at(TODAY - datetime.timedelta(days=2)))  # added long ago, bought in the window
    want("purchased", old, at(TODAY - datetime.timedelta(days=3)), purchased=False)  # bought before purchased_at
    want("purchased", old, old)
    want("wanted", old, old)
    conversion = statistics.trends(today=TODAY)["wantlist"]
    assert {key: conversion[key] for key in ("added", "purchased", "wanted", "unavailable", "rate",
                                             "purchased_in_window")} == {
        "added": 4, "purchased": 2, "wanted": 1, "unavailable": 1, "rate": 0.5, "purchased_in_window": 4,
    }


def test_trends_with_nothing_to_count():
    trends = statistics.trends(today=TODAY)
    assert trends["trending_artists"] == trends["trending_genres"] == []
    assert trends["success"]["rate"] is None and trends["wantlist"]["rate"] is None
    assert [count for _, count in trends["discovery_rate"]] == [0] * 12


# --- Stored summaries: the task ------------------------------------------------------------------


def test_the_service_stores_one_row_per_period_and_start(library):
    stored = statistics.statistics_store(period="weekly", day=TODAY)
    again = statistics.statistics_store(period="weekly", day=datetime.date(2026, 3, 20))  # the same week
    assert again.pk == stored.pk and DiscoveryStatistics.objects.count() == 1
    stored.refresh_from_db()
    assert (stored.period, stored.period_start, stored.period_end) == ("weekly", datetime.date(2026, 3, 16),
                                                                        datetime.date(2026, 3, 22))
    assert (stored.tracks_discovered, stored.unique_artists, stored.unique_labels, stored.tracklists_processed) == (
        4, 2, 3, 3,
    )
    assert stored.top_genres == [["Techno", 2], ["House", 1]]
    assert stored.sources["djs"] == [["Ben Klock", 3], ["Peggy Gou", 2]]
    assert stored.most_played[0] == ["Bicep - Glue", str(library.l1.pk), 3]


def test_the_task_stores_every_period_of_today():
    now = timezone.now()
    mix = TracklistFactory(name="Tonight", dj="Ben Klock")
    for _ in range(3):
        line(mix, LibraryTrackFactory(), now)
    result = store_discovery_statistics()
    today = timezone.localdate()
    rows = {row.period: row for row in DiscoveryStatistics.objects.filter(period_end__gte=today)}
    assert set(rows) == {"daily", "weekly", "monthly", "all_time"}
    assert rows["daily"].period_start == today and rows["all_time"].period_start == today
    assert rows["monthly"].period_start == today.replace(day=1)
    assert rows["weekly"].period_start == today - datetime.timedelta(days=today.weekday())
    assert all(row.tracks_discovered == 3 and row.tracklists_processed == 1 for row in rows.values())
    assert f"daily {today}" in result and result[f"daily {today}"]["tracks_discovered"] == 3
    count = DiscoveryStatistics.objects.count()
    store_discovery_statistics()  # again: the same rows, updated
    assert DiscoveryStatistics.objects.count() == count


# --- The command ---------------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("discovery_stats", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_prints_json_only(library):
    data = json.loads(run("--period", "daily", "--date", "2026-03-18", "--json"))
    figures = data["statistics"]
    assert (figures["period"], figures["period_start"], figures["period_end"]) == ("daily", "2026-03-18", "2026-03-18")
    assert (figures["tracks_discovered"], figures["unique_artists"], figures["unique_labels"],
            figures["tracklists_processed"]) == (4, 2, 3, 2)
    assert figures["top_genres"] == [["Techno", 2], ["House", 1]]
    assert data["trends"]["window"] == ["2026-02-17", "2026-03-18"]
    assert data["trends"]["discovery_rate"][-1] == ["2026-03-16", 7]
    assert json.loads(run("--period", "all-time", "--date", "2026-03-18", "--json"))["statistics"][
        "tracks_discovered"] == 5


def test_the_command_prints_a_table_by_default(library):
    out = run("--date", "2026-03-18")  # weekly by default
    assert "Discovery statistics, weekly: 2026-03-16 to 2026-03-22" in out
    assert "Tracks discovered" in out and "Tracklists processed" in out
    lines = out.splitlines()
    assert next(text for text in lines if "Tracks discovered" in text).split()[-1] == "4"
    assert any(text.split() == ["1.", "Fabric", "101", "3"] for text in lines)
    assert "Trends: the 30 days from 2026-02-17 to 2026-03-18" in out
    assert "Want-list conversion: 0 added" in out


@pytest.mark.parametrize(("args", "message"), [
    (("--period", "yearly"), "--period 'yearly' is not a period; choose daily, weekly, monthly or all-time."),
    (("--date", "2026-02-30"), "--date '2026-02-30' is not a date; write it as YYYY-MM-DD"),
    (("--date", "yesterday"), "is not a date"),
])
def test_the_command_refuses_a_bad_period_or_date(args, message):
    with pytest.raises(CommandError, match=message.replace(".", r"\.").replace("(", r"\(")):
        run(*args)


# --- The page ------------------------------------------------------------------------------------


def page(client, **params):
    return client.get(reverse("admin:library_discoverystatistics_changelist"), params)


def test_the_page_shows_the_figures_with_charts_and_links_to_their_rows(admin_client, library):
    response = page(admin_client, period="daily", date="2026-03-18")
    assert response.status_code == 200
    assert [count["value"] for count in response.context["counts"]] == [4, 2, 3, 2]
    charts = response.context["charts"]
    genres = json.loads(charts["genres"]["data"])
    assert genres["labels"] == ["Techno", "House"] and genres["datasets"][0]["data"] == [2, 1]
    assert charts["genres"]["rows"][0] == {"label": "Techno", "value": 2,
                                           "url": "/admin/library/librarytrack/?genre=Techno"}
    assert charts["mixes"]["rows"][0]["url"] == reverse("admin:library_tracklist_change", args=[library.m1.pk])
    assert charts["djs"]["rows"][0]["url"] == "/admin/library/tracklist/?dj=Ben+Klock"
    assert charts["artists"]["rows"][0]["url"] == "/admin/library/librarytrack/?q=Bicep"
    assert json.loads(charts["weekly"]["data"])["datasets"][0]["data"][-1] == 7
    assert set(charts) == {"weekly", "genres", "artists", "labels", "mixes", "djs", "conversion", "providers"}
    html = response.content.decode()
    assert html.count('class="chart"') >= 7  # the theme's canvases
    assert 'href="/admin/library/librarytrack/?genre=Techno"' in html
    assert reverse("admin:library_librarytrack_change", args=[library.l1.pk]) in html  # most played
    assert 'aria-current="page">Day<' in html and 'id="stored-summaries"' in html
    assert "/static/unfold/js/chart/chart.js" in html and "cdn" not in html.lower()


def test_each_figures_link_leads_to_its_rows(admin_client, library):
    context = page(admin_client, period="daily", date="2026-03-18").context
    sightings = admin_client.get(context["sightings_url"])
    assert sightings.status_code == 200 and sightings.context["cl"].result_count == 5
    techno = admin_client.get(context["charts"]["genres"]["rows"][0]["url"])
    assert {entry.track.title for entry in techno.context["cl"].result_list} == {"Glue", "Subzero"}
    klock = admin_client.get(context["charts"]["djs"]["rows"][0]["url"])
    assert {mix.name for mix in klock.context["cl"].result_list} == {"Fabric 101", "Essential Mix"}
    for chart in ("weekly", "labels", "conversion", "artists"):
        for row in context["charts"][chart]["rows"]:
            response = admin_client.get(row["url"])
            assert response.status_code == 200 and "e=1" not in response.get("Location", ""), row
    week = admin_client.get(context["charts"]["weekly"]["rows"][-1]["url"])
    assert week.context["cl"].result_count == 7


def test_the_provider_links_open_the_lines_it_helped_identify(admin_client):
    klock = TracklistFactory(dj="Ben Klock")
    day = timezone.now() - datetime.timedelta(days=1)
    line(klock, LibraryTrackFactory(), day, sources_consulted=["musicbrainz", "spotify"], method="api",
         identified_by="musicbrainz")
    line(klock, LibraryTrackFactory(), day, sources_consulted=["spotify"], method="api", identified_by="spotify")
    context = page(admin_client).context
    rows = {row["provider"]: row for row in context["providers"]}
    assert (rows["musicbrainz"]["percent"], rows["spotify"]["consulted"]) == (100.0, 2)
    # Each provider's link opens the lines its own candidate identified, not every line it was asked about.
    assert admin_client.get(rows["musicbrainz"]["url"]).context["cl"].result_count == 1
    assert admin_client.get(rows["spotify"]["url"]).context["cl"].result_count == 1
    assert admin_client.get(context["sources"][0]["url"]).context["cl"].result_count == 1


def test_the_page_switches_period_and_explains_a_wrong_one(admin_client, library):
    monthly = page(admin_client, period="monthly", date="2026-03-18")
    assert monthly.context["figures"]["period_start"] == datetime.date(2026, 3, 1)
    assert [period["active"] for period in monthly.context["periods"]] == [False, False, True, False]
    assert monthly.context["periods"][0]["url"] == "?period=daily&date=2026-03-18"
    wrong = page(admin_client, period="yearly", date="someday")
    assert wrong.status_code == 200 and wrong.context["figures"]["period"] == "weekly"
    messages = messages_of(wrong)
    assert "There is no period “yearly”; here is this week." in messages
    assert "“someday” is not a date (YYYY-MM-DD); here is today." in messages


def test_the_stored_summaries_stay_a_changelist(admin_client, library):
    stored = statistics.statistics_store(period="weekly", day=TODAY)
    statistics_page = page(admin_client, period="daily", date="2026-03-18")
    assert statistics_page.context["cl"].result_count == 1  # the page ends with the latest ones
    assert reverse("admin:library_discoverystatistics_change", args=[stored.pk]) in statistics_page.content.decode()
    response = admin_client.get(reverse("admin:library_discoverystatistics_stored"))
    assert response.status_code == 200 and response.context["cl"].result_count == 1
    assert "Weekly" in response.content.decode()
    filtered = admin_client.get(reverse("admin:library_discoverystatistics_stored"), {"period__exact": "daily"})
    assert filtered.status_code == 200 and filtered.context["cl"].result_count == 0


def test_only_staff_who_may_view_the_statistics_see_the_page(client):
    clerk = UserFactory(username="clerk", is_superuser=False)
    client.force_login(clerk)
    assert page(client).status_code == 403
    assert client.get(reverse("admin:library_discoverystatistics_stored")).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="view_discoverystatistics"))
    assert page(client).status_code == 200
    client.logout()
    response = page(client)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
