"""The want list's rules and its purchase links, against recorded store answers."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core import jobs
from library import services as library_services
from library.models import LibraryTrack
from tests.factories import LibraryTrackFactory, LineToReviewFactory, TrackFactory, UserFactory, WantListFactory
from tests.pages import messages_of
from tests.services import clear_test_cache
from tracks.models import Track
from wantlist import services
from wantlist.models import PurchaseLinksJob, WantList

pytestmark = pytest.mark.django_db

BEATPORT_FEELING = "beatport/postmanlog-catalog-tracks-name-feeling-artist-newtone.json"
ITUNES_QUEEN = "itunes/harmony-lookup-album-1441458047-gb.json"


@pytest.fixture(autouse=True)
def fresh_cache():
    clear_test_cache()


def test_adding_what_is_already_wanted_changes_only_what_was_asked():
    entry = LibraryTrackFactory()
    first = services.wants_add(library_tracks=[entry], priority=2, notes="for the warm-up")
    again = services.wants_add(library_tracks=[entry, entry])
    assert (first.created, again.created, again.unchanged) == (1, 0, 1)
    want = WantList.objects.get()
    assert (want.priority, want.notes) == (2, "for the warm-up")
    services.wants_add(library_tracks=[entry], priority=1)
    want.refresh_from_db()
    assert (want.priority, want.notes, WantList.objects.count()) == (1, "for the warm-up", 1)
    with pytest.raises(ValueError, match="1 \\(most wanted\\) to 5"):
        services.wants_add(library_tracks=[entry], priority=0)


def test_the_want_list_has_a_cap_and_a_refused_add_adds_nothing(settings):
    settings.WANTLIST_MAX = 3
    services.wants_add(library_tracks=LibraryTrackFactory.create_batch(2))
    with pytest.raises(services.WantListFull,
                       match="at most 3 tracks .* adding 2 would pass that, so nothing was added"):
        services.wants_add(library_tracks=LibraryTrackFactory.create_batch(2))
    assert WantList.objects.count() == 2
    services.wants_add(library_tracks=[LibraryTrackFactory()])
    assert WantList.objects.count() == 3


def test_purchased_records_when_and_a_file_puts_it_in_the_collection(admin_client):
    services.wants_add(library_tracks=[LibraryTrackFactory()])
    want = WantList.objects.get()
    services.want_status_set(want=want, status="purchased")
    assert want.purchased_at is not None
    services.want_status_set(want=want, status="wanted")
    assert want.purchased_at is None
    services.want_status_set(want=want, status="purchased")
    Track.objects.filter(pk=want.library_track.track_id).update(file_path="/music/a.flac", file_format="flac")
    page = admin_client.get(reverse("admin:wantlist_wantlist_changelist")).content.decode()
    assert "in the collection" in page
    with pytest.raises(ValueError, match="not a want-list status"):
        services.want_status_set(want=want, status="gone")


def test_add_from_the_review_queue_then_accepting_keeps_the_want(admin_client):
    line = LineToReviewFactory(candidates=[{
        "source": "musicbrainz", "external_id": "mbid-1", "title": "Title", "artists": ["Artist"], "version": "",
        "label": "", "duration": 300, "score": 0.8, "reasons": [],
    }])
    response = admin_client.post(reverse("admin:wantlist_add_line", args=[line.pk]), follow=True)
    assert any("1 added" in message for message in messages_of(response))
    want = WantList.objects.get()
    line.refresh_from_db()
    assert want.found_in == line.tracklist and want.library_track.is_provisional and line.status == "needs_review"
    # The person then picks the candidate: the want follows to the chosen recording.
    entry = library_services.discovery_accept(discovery=line, index=0)
    assert WantList.objects.get().library_track == entry and not entry.is_provisional
    assert LibraryTrack.objects.count() == 1


def test_add_actions_on_tracks_and_library_tracks(admin_client):
    track = TrackFactory()
    admin_client.post(reverse("admin:tracks_track_changelist"), {
        "action": "add_tracks_to_want_list", "_selected_action": [str(track.pk)],
    })
    assert WantList.objects.get().library_track.track == track
    page = admin_client.get(reverse("admin:tracks_track_change", args=[track.pk])).content.decode()
    assert reverse("admin:wantlist_add_track", args=[track.pk]) in page


def test_a_viewer_gets_no_add_button_and_a_refusal_message(client):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(username="viewer", is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_track"))
    client.force_login(viewer)
    track = TrackFactory()
    page = client.get(reverse("admin:tracks_track_change", args=[track.pk])).content.decode()
    assert reverse("admin:wantlist_add_track", args=[track.pk]) not in page


def links_for(track: Track) -> list[dict]:
    services.wants_add(library_tracks=[services.library_track_for_track(track=track)])
    want = WantList.objects.get(library_track__track=track)
    job = services.purchase_links_jobs_create(wants=[want], enqueue_now=False)
    finished = jobs.job_run_here(model=PurchaseLinksJob, job_id=job.pk)
    assert finished.status == "completed", finished.last_error
    want.refresh_from_db()
    return want.purchase_links


@pytest.fixture
def stores(replay, settings):
    settings.BEATPORT_TOKEN = "beatport-test-token"
    settings.DISCOGS_TOKEN = ""
    settings.METADATA_PROVIDERS = ["beatport", "itunes"]
    replay.serve("/v4/catalog/tracks/", BEATPORT_FEELING)
    replay.serve("/search", ITUNES_QUEEN)
    replay.serve("/lookup", ITUNES_QUEEN)
    return replay


def test_links_from_every_store_cheapest_first_and_never_for_another_version(stores):
    feeling = TrackFactory(title="Feeling", version="Original Mix", credit_name="Newtone", artists=["Newtone"],
                           deezer_id="3135556", duration=434)
    links = links_for(feeling)
    stores_found = [link["store"] for link in links]
    assert stores_found[0] == "Beatport" and links[0]["price"] == "1.49" and links[0]["currency"] == "USD"
    assert links[0]["url"] == "https://www.beatport.com/track/feeling/20722554"
    # "Feeling Good (feat. Newtone)" in the same answer is another song: no link.
    assert [link["external_id"] for link in links if link["store"] == "Beatport"] == ["20722554"]
    assert "Deezer" in stores_found and "https://www.deezer.com/track/3135556" in [link["url"] for link in links]
    assert stores_found[-1] == "Bandcamp" and links[-1]["kind"] == "search"
    remix = TrackFactory(title="Feeling", version="Someone Remix", credit_name="Newtone", artists=["Newtone"])
    assert [link["store"] for link in links_for(remix)] == ["Bandcamp"]  # never the Original Mix's page


def test_an_itunes_id_gets_its_own_page_and_price(stores):
    song = TrackFactory(title="Death On Two Legs (Dedicated to...)", credit_name="Queen", artists=["Queen"],
                        itunes_id="1441458049")
    links = links_for(song)
    itunes = [link for link in links if link["store"] == "iTunes"]
    assert len(itunes) == 1 and itunes[0]["price"] == "0.99" and itunes[0]["external_id"] == "1441458049"


def test_a_store_that_fails_keeps_its_old_links_and_says_why(stores, settings):
    track = TrackFactory(title="Feeling", version="Original Mix", credit_name="Newtone", artists=["Newtone"])
    links_for(track)
    stores.server.clear()
    stores.serve("/v4/catalog/tracks/", body="upstream down", status=503)
    stores.serve("/search", ITUNES_QUEEN)
    settings.PROVIDER_RETRIES = 0
    want = WantList.objects.get()
    job = services.purchase_links_jobs_create(wants=[want], enqueue_now=False, force_refresh=True)
    jobs.job_run_here(model=PurchaseLinksJob, job_id=job.pk)
    want.refresh_from_db()
    assert [link["store"] for link in want.purchase_links][0] == "Beatport"  # kept from before
    assert want.purchase_links_errors and want.purchase_links_errors[0].startswith("beatport")
    assert Decimal(want.cheapest["price"]) == Decimal("1.49")


def test_a_wanted_track_whose_file_arrived_reads_in_the_collection_and_priority_is_a_choice(admin_client):
    services.wants_add(library_tracks=[LibraryTrackFactory()])
    want = WantList.objects.get()
    page = admin_client.get(reverse("admin:wantlist_wantlist_changelist")).content.decode()
    assert "in the collection" not in page
    assert '<select name="form-0-priority"' in page and "1 · most wanted" in page
    Track.objects.filter(pk=want.library_track.track_id).update(file_path="/music/a.flac", file_format="flac")
    page = admin_client.get(reverse("admin:wantlist_wantlist_changelist")).content.decode()
    assert want.status == "wanted" and "in the collection" in page


def test_the_store_filter_offers_the_stores_the_links_name(admin_client):
    WantListFactory(purchase_links=[{"store": "Beatport", "url": "https://www.beatport.com/track/x/1"},
                                    {"store": "Bandcamp", "url": "https://bandcamp.com/search?q=x", "kind": "search"}])
    juno = WantListFactory(purchase_links=[{"store": "Juno Download", "url": "https://www.junodownload.com/x"}])
    WantListFactory(purchase_links=[])
    url = reverse("admin:wantlist_wantlist_changelist")
    [stores] = [spec for spec in admin_client.get(url).context["cl"].filter_specs
                if getattr(spec, "parameter_name", "") == "store"]
    assert [label for _, label in stores.lookup_choices] == ["Bandcamp", "Beatport", "Juno Download"]
    assert [want.pk for want in admin_client.get(url, {"store": "Juno Download"}).context["cl"].result_list] == [
        juno.pk,
    ]
