import datetime

import factory
from django.contrib.auth import get_user_model

from audio.models import ScanJob, TagWriteJob
from downloads.models import Download, DownloadJob
from library.models import DiscoveryJob, DiscoveryStatistics, LibraryTrack, LineToReview, TrackDiscovery, Tracklist
from tracks.models import MetadataFetchTask, Track
from wantlist.models import PurchaseLinksJob, WantList


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = "admin"
    email = "admin@example.com"
    is_staff = True
    is_superuser = True
    password = factory.django.Password("correct horse battery staple")


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    title = factory.Sequence(lambda n: f"Track {n}")
    credit_name = factory.Sequence(lambda n: f"Artist {n}")
    artists = factory.LazyAttribute(lambda track: [track.credit_name])
    label = "Drumcode"
    genre = "Techno"


class MetadataFetchTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetadataFetchTask

    total = 2


class DownloadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Download

    track = factory.SubFactory(TrackFactory)


class TracklistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tracklist

    name = factory.Sequence(lambda n: f"Mix {n}")
    dj = "Ben Klock"
    date = datetime.date(2017, 7, 1)
    raw_text = "1. Artist - Title\n2. ID - ID"


class LibraryTrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LibraryTrack

    track = factory.SubFactory(TrackFactory)
    discovery_count = 1


class TrackDiscoveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackDiscovery

    tracklist = factory.SubFactory(TracklistFactory)
    position = factory.Sequence(lambda n: n + 1)
    raw_text = factory.Sequence(lambda n: f"Artist {n} - Title {n}")
    library_track = factory.SubFactory(LibraryTrackFactory)


class LineToReviewFactory(TrackDiscoveryFactory):
    class Meta:
        model = LineToReview

    status = "needs_review"
    library_track = None
    candidates = factory.LazyFunction(lambda: [{
        "source": "musicbrainz", "external_id": "mbid-1", "title": "Title", "artists": ["Artist"], "version": "",
        "label": "", "duration": 300, "score": 0.8, "reasons": ["title 100%"],
    }])


class DiscoveryJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscoveryJob

    tracklist = factory.SubFactory(TracklistFactory)
    total = 1


class PurchaseLinksJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchaseLinksJob

    total = 1


class DownloadJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DownloadJob

    total = 1


class TagWriteJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TagWriteJob

    total = 1


class ScanJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScanJob

    root = "/srv/music"
    total = 1


class DiscoveryStatisticsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscoveryStatistics

    period = "daily"
    period_start = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    period_end = factory.LazyAttribute(lambda stats: stats.period_start)


class WantListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WantList

    library_track = factory.SubFactory(LibraryTrackFactory)
    found_in = factory.SubFactory(TracklistFactory)
    priority = 2


FACTORIES = {
    Track: TrackFactory,
    MetadataFetchTask: MetadataFetchTaskFactory,
    Download: DownloadFactory,
    Tracklist: TracklistFactory,
    LibraryTrack: LibraryTrackFactory,
    TrackDiscovery: TrackDiscoveryFactory,
    DiscoveryStatistics: DiscoveryStatisticsFactory,
    WantList: WantListFactory,
    LineToReview: LineToReviewFactory,
    DiscoveryJob: DiscoveryJobFactory,
    PurchaseLinksJob: PurchaseLinksJobFactory,
    DownloadJob: DownloadJobFactory,
    TagWriteJob: TagWriteJobFactory,
    ScanJob: ScanJobFactory,
}
