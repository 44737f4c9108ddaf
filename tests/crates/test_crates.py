"""Crates: made by hand, from a selection, a tracklist, the want list's purchases or a saved filter; kept in order;
managed in the admin with *Add to crate* on tracks, library tracks, want-list entries and tracklist lines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from crates import selectors, services
from crates.models import Crate, CrateTrack
from library import services as library_services
from library.models import LibraryTrack, TrackDiscovery, Tracklist
from tests.factories import UserFactory
from tracks.models import Track
from wantlist.models import WantList, WantStatus

pytestmark = pytest.mark.django_db


def _entry(title, **fields) -> LibraryTrack:
    track = Track.objects.create(title=title, credit_name=fields.pop("artist", "Artist"), **fields)
    return LibraryTrack.objects.create(track=track)


def _titles(crate) -> list[str]:
    return [entry.library_track.track.title for entry in crate.entries.order_by("position")]


def test_a_crate_keeps_its_order_each_track_once_and_names_are_unique_in_a_folder():
    a, b, c = _entry("A"), _entry("B"), _entry("C")
    crate = services.crate_create(name="  Peak   time ", folder=" Gigs / 2026/")
    assert (crate.name, crate.folder, str(crate), crate.folders) == ("Peak time", "Gigs/2026", "Gigs/2026/Peak time",
                                                                     ("Gigs", "2026"))
    assert services.crate_tracks_add(crate=crate, library_tracks=[b, a]).summary() == (
        "Added 2 tracks to “Gigs/2026/Peak time”."
    )
    added = services.crate_tracks_add(crate=crate, library_tracks=[a, c])
    assert added.summary() == "Added 1 track to “Gigs/2026/Peak time”; 1 was in it already."
    assert _titles(crate) == ["B", "A", "C"]
    with pytest.raises(services.CrateError, match="already a crate"):
        services.crate_create(name="Peak time", folder="Gigs/2026")
    services.crate_create(name="Peak time")  # another folder, another crate
    CrateTrack.objects.filter(crate=crate, library_track=a).delete()
    services.crate_renumber(crate=crate)
    assert list(crate.entries.order_by("position").values_list("position", flat=True)) == [0, 1]


def test_a_saved_filter_fills_the_crate_techno_124_128_8a_and_its_neighbours():
    _entry("In", genre="Techno", bpm=Decimal("125"), key="A minor")
    _entry("Neighbour", genre="techno", bpm=Decimal("124"), key="E minor")  # 9A
    _entry("Relative", genre="Techno", bpm=Decimal("128"), key="C major")  # 8B
    _entry("Too fast", genre="Techno", bpm=Decimal("132"), key="A minor")
    _entry("Far key", genre="Techno", bpm=Decimal("126"), key="F# major")
    _entry("House", genre="House", bpm=Decimal("125"), key="A minor")
    crate = services.crate_create(name="Techno 8A", rule={
        "genres": "Techno", "bpm_from": "124", "bpm_to": "128", "key": "8A", "key_compatible": True})
    assert _titles(crate) == ["Neighbour", "In", "Relative"]
    assert selectors.rule_text(crate.rule) == "Techno, 124-128 BPM, 8A and its neighbours"
    _entry("New one", genre="Techno", bpm=Decimal("127"), key="G major")  # 9B: not a neighbour of 8A
    _entry("Newer", genre="Techno", bpm=Decimal("126"), key="D minor")  # 7A
    services.crate_refill(crate=crate)
    assert _titles(crate) == ["Neighbour", "In", "Newer", "Relative"]
    with pytest.raises(services.CrateError, match="fills itself"):
        services.crate_tracks_add(crate=crate, library_tracks=[_entry("Hand")])
    for bad, why in (({"bpm_from": "fast"}, "not a BPM"), ({"key": "H major"}, "not a key"),
                     ({"bpm_from": 130, "bpm_to": 120}, "swap them"),
                     ({"want_status": "stolen"}, "not a want-list status")):
        with pytest.raises(services.CrateError, match=why):
            services.crate_rule_clean(bad)


def test_the_want_lists_purchased_tracks_as_a_crate():
    bought, wanted = _entry("Bought"), _entry("Wanted")
    WantList.objects.create(library_track=bought, status=WantStatus.PURCHASED)
    WantList.objects.create(library_track=wanted)
    crate = services.crate_create(name="Purchased", rule={"want_status": "purchased"})
    assert _titles(crate) == ["Bought"]


def test_a_tracklist_becomes_a_crate_in_the_mixs_order_and_again_up_to_date():
    a, b = _entry("A"), _entry("B")
    tracklist = Tracklist.objects.create(name="Essential Mix", dj="Bicep")
    TrackDiscovery.objects.create(tracklist=tracklist, position=1, raw_text="b", library_track=b)
    TrackDiscovery.objects.create(tracklist=tracklist, position=2, raw_text="x")
    TrackDiscovery.objects.create(tracklist=tracklist, position=3, raw_text="a", library_track=a)
    TrackDiscovery.objects.create(tracklist=tracklist, position=4, raw_text="b again", library_track=b)
    crate, count = services.crate_from_tracklist(tracklist=tracklist)
    assert (str(crate), count, _titles(crate)) == ("Mixes/Bicep - Essential Mix", 2, ["B", "A"])
    c = _entry("C")
    TrackDiscovery.objects.filter(position=2).update(library_track=c)
    again, count = services.crate_from_tracklist(tracklist=tracklist)
    assert again.pk == crate.pk and _titles(again) == ["B", "C", "A"]


def test_merging_duplicate_library_tracks_keeps_their_places_in_crates():
    keep, other, third = _entry("Keep"), _entry("Other"), _entry("Third")
    first = services.crate_create(name="First")
    services.crate_tracks_add(crate=first, library_tracks=[third, other])
    both = services.crate_create(name="Both")
    services.crate_tracks_add(crate=both, library_tracks=[keep, other])
    library_services.library_tracks_merge(survivor=keep, others=[other])
    assert _titles(first) == ["Third", "Keep"] and _titles(both) == ["Keep"]


def test_add_to_crate_asks_which_crate_then_adds_the_selection_from_every_list(client):
    user = UserFactory()
    client.force_login(user)
    entries = [_entry("One"), _entry("Two")]
    url = reverse("admin:library_librarytrack_changelist")
    page = client.post(url, {"action": "add_to_crate", "_selected_action": [entry.pk for entry in entries]})
    assert page.status_code == 200 and "Add 2 selected to a crate" in page.content.decode()
    response = client.post(url, {"action": "add_to_crate", "_selected_action": [entry.pk for entry in entries],
                                 "apply": "1", "name": "Fresh", "folder": "New"}, follow=True)
    crate = Crate.objects.get(name="Fresh")
    assert crate.folder == "New" and len(_titles(crate)) == 2
    assert "Added 2 tracks to “New/Fresh”" in response.content.decode()
    track = Track.objects.create(title="Catalogue only", credit_name="X")
    client.post(reverse("admin:tracks_track_changelist"), {
        "action": "add_to_crate", "_selected_action": [track.pk], "apply": "1", "crate": crate.pk})
    assert _titles(crate)[-1] == "Catalogue only" and LibraryTrack.objects.filter(track=track).exists()
    want = WantList.objects.create(library_track=_entry("Wanted"))
    client.post(reverse("admin:wantlist_wantlist_changelist"), {
        "action": "add_to_crate", "_selected_action": [want.pk], "apply": "1", "crate": crate.pk})
    tracklist = Tracklist.objects.create(name="Mix")
    line = TrackDiscovery.objects.create(tracklist=tracklist, position=1, raw_text="?")
    response = client.post(reverse("admin:library_trackdiscovery_changelist"), {
        "action": "add_to_crate", "_selected_action": [line.pk], "apply": "1", "crate": crate.pk}, follow=True)
    assert "1 line names no identified track" in response.content.decode()
    assert _titles(crate) == ["Two", "One", "Catalogue only", "Wanted"]  # as the list showed them: newest first


def test_the_crate_admin_edits_a_saved_filter_and_lists_its_tracks(client):
    client.force_login(UserFactory())
    _entry("In", genre="Techno", bpm=Decimal("125"), key="A minor")
    response = client.post(reverse("admin:crates_crate_add"), {
        "name": "Techno", "folder": "", "description": "", "genres": "Techno", "bpm_from": "120", "bpm_to": "130",
        "key": "", "year_from": "", "year_to": "", "want_status": "", "labels": "",
        "entries-TOTAL_FORMS": "0", "entries-INITIAL_FORMS": "0", "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000"}, follow=True)
    crate = Crate.objects.get(name="Techno")
    assert crate.rule == {"genres": ["Techno"], "bpm_from": "120", "bpm_to": "130"} and _titles(crate) == ["In"]
    assert "holds the 1 library track its filter takes" in response.content.decode()
    listing = client.get(reverse("admin:crates_crate_changelist")).content.decode()
    assert "Techno, 120-130 BPM" in listing and "Export the library as Rekordbox XML" in listing
    page = client.get(reverse("admin:crates_crate_change", args=[crate.pk])).content.decode()
    assert "Export as Traktor NML" in page and "Fills itself from its filter" in page
    response = client.post(reverse("admin:crates_crate_add"), {
        "name": "Bad", "folder": "", "description": "", "key": "H major", "genres": "", "labels": "",
        "entries-TOTAL_FORMS": "0", "entries-INITIAL_FORMS": "0", "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000"})
    assert "is not a key" in response.content.decode() and not Crate.objects.filter(name="Bad").exists()


def test_the_sidebar_has_crates_and_duplicates(client):
    client.force_login(UserFactory())
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:crates_crate_changelist") in page and reverse("admin:crates_duplicate_changelist") in page
