"""Words a person would write, on every admin page: the visible text of each list, form and page is read and must hold
no "(s)", no "None", no raw JSON list or object and no identifier a machine wrote ("needs_review", "file_path")."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.factories import (
    DiscoveryJobFactory,
    DiscoveryStatisticsFactory,
    DownloadFactory,
    DownloadJobFactory,
    LibraryTrackFactory,
    LineToReviewFactory,
    MetadataFetchTaskFactory,
    PurchaseLinksJobFactory,
    ScanJobFactory,
    TagWriteJobFactory,
    TrackFactory,
    TracklistFactory,
    UserFactory,
    WantListFactory,
)

pytestmark = pytest.mark.django_db

# What a page must not show, with why a person would stumble on it.
PROBLEMS = {
    "a plural left to the reader": re.compile(r"\w\(s\)"),
    "None for nothing": re.compile(r"\bNone\b"),
    "a raw JSON list or object": re.compile(r"\[\s*\"|\[\]|\{\s*\"|\{\}"),
    "an identifier a machine wrote": re.compile(r"\b[a-z]+_[a-z0-9_]+\b"),
    "a page title a machine wrote": re.compile(r"\bSelect [a-z ]+ to (?:change|view)\b"),
    "a provider named in lower case": re.compile(
        r"\b(?:musicbrainz|spotify|soundcharts|deezer|itunes|beatport|discogs)\b"),
    "a spelling the rest of the admin does not use": re.compile(
        r"\bCatalog number\b|\bIsrc\b|\bLibrary and discovery\b"),
    "a length in seconds with a fraction": re.compile(r"\d+\.\d+ [Ss]econds"),
    "a confidence as a fraction": re.compile(r"\b0\.\d+ / 0 to 1\b|\b0 to 1\b"),
}
# Text that is meant to be read as written: settings and environment names, commands and their options.
ALLOWED = re.compile(
    r"https?://\S+|\b[a-z]+:(?=[\s,.]|$)|"  # links, prefixes
    r"\b[a-z]+(?:\.[a-z_]+){2,}\b|'[^'\s]+'|“[^”\s]+”|"  # paths, values
    r"\b[A-Z][A-Z0-9_]{2,}\b|manage\.py \S+|--[a-z-]+|\b(?:import_tracklist|discover_tracks|export_library|"
    r"export_wantlist|scan_library|download_track|download_wanted|fetch_track_metadata|api_token|organise_library|"
    r"import_rekordbox)\b"
)


class VisibleText(HTMLParser):
    """The text a person sees: no script, style, template or hidden element, no attribute but a few that show."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        icon = "material-symbols" in (attributes.get("class") or "")  # an icon's name is drawn as a picture
        if tag in self.HIDDEN or icon or "hidden" in attributes or attributes.get("type") == "hidden":
            if tag not in ("input",):
                self.skipping += 1
            return
        for name in ("title", "placeholder", "aria-label"):
            if attributes.get(name):
                self.parts.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        if self.skipping and tag in self.HIDDEN | {"div", "p", "span", "section", "h3", "table", "form", "button", "i"}:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def problems_in(text: str) -> list[str]:
    text = ALLOWED.sub("", text)
    found = []
    for line in text.splitlines():
        for why, pattern in PROBLEMS.items():
            match = pattern.search(line)
            if match:
                found.append(f"{why}: {match.group(0)!r} in {line[:140]!r}")
    return found


@pytest.fixture
def everything():
    """One row of each kind a page lists, so that every list and change page has something to show."""
    track = TrackFactory(title="Glue", credit_name="Bicep", artists=["Bicep"], file_path="/music/Bicep/Glue.flac",
                         file_format="flac", file_bitrate=900, metadata_sources={"title": {"source": "musicbrainz"}})
    library_track = LibraryTrackFactory(track=track)
    tracklist = TracklistFactory(raw_text="01. Bicep - Glue")
    LineToReviewFactory(tracklist=tracklist, position=1, raw_text="01. Bicep - Glue", artist="Bicep", title="Glue",
                        confidence=0.5895, sources_consulted=["library", "musicbrainz", "spotify"],
                        reason="two different recordings score alike")
    WantListFactory(library_track=library_track)
    DownloadFactory(track=track)
    for factory_class in (MetadataFetchTaskFactory, DiscoveryJobFactory, PurchaseLinksJobFactory, DownloadJobFactory,
                          TagWriteJobFactory, ScanJobFactory, DiscoveryStatisticsFactory):
        factory_class()


def admin_pages(user) -> list[str]:
    """Every admin page a person reaches from the menu: each list and its first row's page."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    urls = [reverse("admin:index"), reverse("admin:system_status"), reverse("admin:jobs")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        try:
            urls.append(reverse(f"admin:{info[0]}_{info[1]}_changelist"))
        except NoReverseMatch:
            continue
        first = model_admin.get_queryset(request).first() if model._meta.managed else None
        if first is not None:
            urls.append(reverse(f"admin:{info[0]}_{info[1]}_change", args=[first.pk]))
    return urls


def test_every_admin_page_reads_as_a_person_wrote_it(client, everything):
    user = UserFactory()
    client.force_login(user)
    found = {}
    for url in admin_pages(user):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        problems = problems_in(visible_text(response.content.decode()))
        if problems:
            found[url] = problems
    assert not found, "\n".join(f"{url}\n  " + "\n  ".join(sorted(set(lines))[:12]) for url, lines in found.items())
