"""/api/v1/: every endpoint, its schema and its docs page. Ids are UUIDs; any other address is a JSON 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api.errors import not_found_view
from api.views.discovery import ReviewViewSet, TracklistViewSet
from api.views.downloads import DownloadViewSet
from api.views.jobs import JobViewSet
from api.views.library import LibraryExportView, LibraryTrackViewSet
from api.views.statistics import SourcesView, StatisticsView, TrendsView
from api.views.tracks import SpotifyImportView, SpotifySearchView, TrackViewSet
from api.views.wantlist import WantExportView, WantViewSet

app_name = "api"


def routes(viewset, prefix: str, name: str, collection: dict, row: dict, actions: dict | None = None) -> list:
    """The addresses of one viewset: its collection, its rows (by UUID) and each row action."""
    found = []
    if collection:
        found.append(path(f"{prefix}/", viewset.as_view(collection), name=f"{name}-list"))
    if row:
        found.append(path(f"{prefix}/<uuid:pk>/", viewset.as_view(row), name=f"{name}-detail"))
    for segment, (method, action) in (actions or {}).items():
        found.append(path(f"{prefix}/<uuid:pk>/{segment}/", viewset.as_view({method: action}),
                          name=f"{name}-{segment}"))
    return found


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="1"), name="schema"),
    # A person reads the docs logged in to the admin: without a session, the admin's login page, then back here.
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="api:schema"), login_url="admin:login"),
         name="docs"),
    # Tracks
    path("tracks/search/", SpotifySearchView.as_view(), name="track-search"),
    path("tracks/import/spotify/", SpotifyImportView.as_view(), name="track-import-spotify"),
    *routes(TrackViewSet, "tracks", "track", {"get": "list"}, {"get": "retrieve"}, {
        "metadata": ("patch", "metadata"), "enrich": ("post", "enrich"), "download": ("post", "download"),
    }),
    # Discovery
    *routes(TracklistViewSet, "tracklists", "tracklist", {"get": "list", "post": "create"}, {"get": "retrieve"},
            {"discover-tracks": ("post", "discover")}),
    *routes(ReviewViewSet, "review-queue", "review", {"get": "list"}, {}, {
        "accept": ("post", "accept"), "unidentifiable": ("post", "unidentifiable"), "search": ("post", "search"),
    }),
    path("library/export/", LibraryExportView.as_view(), name="library-export"),
    *routes(LibraryTrackViewSet, "library/tracks", "library-track", {"get": "list"}, {"get": "retrieve"}, {
        "identify": ("post", "identify"), "purchase-links": ("get", "purchase_links"),
        "refresh-purchase-links": ("post", "refresh_purchase_links"),
    }),
    path("discovery/statistics/", StatisticsView.as_view(), name="discovery-statistics"),
    path("discovery/trends/", TrendsView.as_view(), name="discovery-trends"),
    path("discovery/sources/<uuid:tracklist_id>/", SourcesView.as_view(), name="discovery-sources"),
    # Want list
    path("want-list/export/", WantExportView.as_view(), name="want-export"),
    *routes(WantViewSet, "want-list", "want", {"get": "list", "post": "create"}, {
        "get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy",
    }),
    # Jobs and downloads
    *routes(JobViewSet, "jobs", "job", {"get": "list", "post": "create"}, {"get": "retrieve"}, {
        "cancel": ("post", "cancel"), "retry-failed": ("post", "retry_failed"),
    }),
    *routes(DownloadViewSet, "downloads", "download", {"get": "list"}, {"get": "retrieve"}, {
        "input": ("post", "input"), "cancel": ("post", "cancel"),
    }),
    re_path(r"^.*$", not_found_view),
]
