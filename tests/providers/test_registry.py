"""The registry: capabilities, configured order, and providers disabled with a reason."""

import io

import pytest
from django.core.management import call_command

from providers.base import Capability, ProviderDisabled
from providers.registry import PROVIDER_CLASSES, get_provider, provider_class, providers_for, statuses


@pytest.fixture
def no_credentials(settings):
    for name in ("DISCOGS_TOKEN", "SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SOUNDCHARTS_APP_ID",
                 "SOUNDCHARTS_API_KEY", "BEATPORT_TOKEN", "SLSKD_API_KEY"):
        setattr(settings, name, "")


@pytest.fixture
def all_credentials(settings):
    for name in ("DISCOGS_TOKEN", "SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SOUNDCHARTS_APP_ID",
                 "SOUNDCHARTS_API_KEY", "BEATPORT_TOKEN", "SLSKD_API_KEY"):
        setattr(settings, name, "test-" + name.lower())


def test_every_provider_declares_what_it_can_do():
    for name in PROVIDER_CLASSES:
        cls = provider_class(name)
        assert cls.name == name and cls.label
        assert all(isinstance(capability, Capability) for capability in cls.capabilities)


def test_missing_credentials_disable_with_a_readable_reason(no_credentials):
    by_name = {status.name: status for status in statuses()}
    assert by_name["musicbrainz"].enabled and by_name["itunes"].enabled and by_name["deezer"].enabled
    assert not by_name["spotify"].enabled
    assert by_name["spotify"].reason.startswith("SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET are not set")
    assert by_name["discogs"].reason.startswith("DISCOGS_TOKEN is not set")
    with pytest.raises(ProviderDisabled, match="SLSKD_API_KEY is not set"):
        get_provider("slskd")


def test_providers_for_a_capability_follow_the_configured_order(all_credentials, settings):
    assert [p.name for p in providers_for(Capability.METADATA)] == [
        "beatport", "discogs", "musicbrainz", "spotify", "soundcharts", "deezer", "itunes",
    ]
    settings.METADATA_PROVIDERS = ["itunes", "musicbrainz", "spotify"]
    assert [p.name for p in providers_for("isrc_lookup")] == ["musicbrainz", "spotify"]
    assert [p.name for p in providers_for(Capability.DOWNLOAD)] == ["slskd"]


def test_disabled_providers_are_left_out(no_credentials):
    assert [p.name for p in providers_for(Capability.SEARCH)] == ["musicbrainz", "deezer", "itunes"]


def test_the_providers_command_lists_every_provider(no_credentials):
    out = io.StringIO()
    call_command("providers", stdout=out)
    text = out.getvalue()
    for name in PROVIDER_CLASSES:
        assert name in text
    assert "disabled: SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET are not set" in text


def test_the_providers_command_checks_the_enabled_ones(replay, no_credentials, settings):
    settings.METADATA_PROVIDERS = ["itunes"]
    replay.serve("/search", "itunes/harmony-lookup-album-1441458047-gb.json")
    replay.serve("/ws/2/recording", body="<html>down for maintenance</html>", content_type="text/html")
    out = io.StringIO()
    with pytest.raises(SystemExit) as excinfo:
        call_command("providers", "--check", stdout=out)
    assert excinfo.value.code == 1
    text = out.getvalue()
    assert "itunes" in text and "OK" in text
    assert "musicbrainz" in text and "FAILED" in text


def test_every_provider_implements_the_protocol_of_each_capability_it_declares():
    from providers.client import CAPABILITY_PROTOCOLS
    from providers.registry import PROVIDER_CLASSES, provider_class

    for name in PROVIDER_CLASSES:
        cls = provider_class(name)
        for capability in cls.capabilities:
            assert issubclass(cls, CAPABILITY_PROTOCOLS[capability]), (
                f"{name} declares {capability} but lacks its methods")


def test_provider_id_fields_are_declared_once_and_track_has_each():
    from providers.registry import id_fields
    from tracks.models import PROVIDER_ID_FIELDS, Track

    declared = {spec.field: spec for spec in id_fields()}
    assert set(declared) == set(PROVIDER_ID_FIELDS) == {
        "soundcharts_uuid", "musicbrainz_recording_id", "spotify_id", "discogs_id", "beatport_id", "deezer_id",
        "itunes_id",
    }
    for field, spec in declared.items():
        model_field = Track._meta.get_field(field)
        assert (model_field.verbose_name, model_field.max_length) == (spec.label, spec.max_length)


def test_acoustid_and_ytdlp_are_registered_like_the_rest():
    from providers.registry import get_provider, statuses

    names = {status.name: status for status in statuses()}
    assert names["ytdlp"].label == "yt-dlp" and names["ytdlp"].enabled
    assert names["acoustid"].label == "AcoustID"
    assert get_provider("ytdlp").check().startswith("yt-dlp ")
