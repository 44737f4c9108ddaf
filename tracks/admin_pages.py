"""The track list's own pages and buttons, beside its declarations in tracks/admin.py: fetch a track's metadata
now or in the background, fetch every stale track, import an artist's songs from Soundcharts, search Spotify, play
a track's file; and how a started fetch job is reported (the list's actions start them too)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from common.text import count_text
from core.admin import job_link, started_by
from core.queue import BrokerUnavailable
from core.ranges import ranged_file_response
from providers.base import ProviderError, RateLimited
from providers.registry import provider_class
from tracks import player, selectors, services
from tracks.forms import SoundchartsImportForm, SpotifySearchForm
from tracks.models import FetchTaskType, Track


class TrackPagesMixin:
    """TrackAdmin's custom pages (through get_urls) and the buttons above its list."""

    def _start_jobs(self, request, tracks, **options):
        """Start fetch jobs over tracks, say so with links, and return where to follow them."""
        try:
            created = services.metadata_fetch_jobs_create(tracks=tracks, started_by=started_by(request), **options)
        except BrokerUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        except ProviderError as exc:
            self.message_user(request, f"Nothing was started: {exc.message}.", messages.ERROR)
            return None
        if not created:
            self.message_user(request, "No track to fetch.", messages.INFO)
            return None
        total = sum(job.total for job in created)
        links = mark_safe(", ".join(job_link(job) for job in created[:10]) + (" …" if len(created) > 10 else ""))
        self.message_user(
            request,
            format_html("Started {} over {}: {}.", count_text(len(created), "job"), count_text(total, "track"), links),
            messages.SUCCESS,
        )
        if len(created) == 1:
            return HttpResponseRedirect(reverse("admin:tracks_metadatafetchtask_change", args=[created[0].pk]))
        return HttpResponseRedirect(reverse("admin:tracks_metadatafetchtask_changelist"))

    # --- Custom pages ----------------------------------------------------------------

    def audio_view(self, request, track_id):
        """The track's own file, in parts as the player asks (staff who may view tracks only)."""
        track = get_object_or_404(Track, pk=track_id)
        if not self.has_view_permission(request, track):
            raise PermissionDenied
        if not player.playable(track):
            raise Http404("This track has no file on disk to play.")
        return ranged_file_response(request, track.file_path, player.media_type(track))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<uuid:track_id>/fetch-now/", view(require_POST(self.fetch_now_view)), name="tracks_track_fetch_now"),
            path(
                "<uuid:track_id>/fetch-background/", view(require_POST(self.fetch_background_view)),
                name="tracks_track_fetch_background",
            ),
            path("fetch-stale/", view(require_POST(self.fetch_stale_view)), name="tracks_track_fetch_stale"),
            path("<uuid:track_id>/audio/", view(self.audio_view), name="tracks_track_audio"),
            path("import-soundcharts/", view(self.soundcharts_import_view), name="tracks_track_import_soundcharts"),
            path("search-spotify/", view(self.spotify_search_view), name="tracks_track_search_spotify"),
            *super().get_urls(),
        ]

    def _refusal(self, request, *, provider: str = "", back: str = ""):
        """Return a redirect with a message if this person may not do it, or the provider is off; else None."""
        back = back or reverse("admin:tracks_track_changelist")
        if not self.has_change_permission(request):
            self.message_user(
                request, "You may look at tracks but not change them, so nothing was started. "
                "Ask an administrator for the permission to change tracks.", messages.ERROR,
            )
            return HttpResponseRedirect(back)
        reason = provider_class(provider).disabled_reason() if provider else None
        if reason:
            label = provider_class(provider).label
            self.message_user(request, f"{label} is not set up: {reason}.", messages.ERROR)
            return HttpResponseRedirect(back)
        return None

    def changelist_view(self, request, extra_context=None):
        # The buttons above the list: shown only to those who may use them, and a disabled
        # provider's button says why instead of failing after a search.
        can_change = self.has_change_permission(request)
        extra_context = {
            **(extra_context or {}), "can_change_tracks": can_change,
            "spotify_off": provider_class("spotify").disabled_reason() or "",
            "soundcharts_off": provider_class("soundcharts").disabled_reason() or "",
        }
        return super().changelist_view(request, extra_context)

    def fetch_now_view(self, request: HttpRequest, track_id):
        """Fetch one track's metadata in the request and say which fields changed."""
        back = reverse("admin:tracks_track_change", args=[track_id])
        if refused := self._refusal(request, back=back):
            return refused
        track = get_object_or_404(Track, pk=track_id)
        try:
            outcome = services.track_metadata_fetch(track=track, force_refresh=True)
        except services.NothingFound as exc:
            self.message_user(request, str(exc), messages.WARNING)
        except RateLimited as exc:
            self.message_user(
                request, f"{exc.provider} asks to wait {exc.retry_after:g} s; fetch in the background instead.",
                messages.WARNING,
            )
        except ProviderError as exc:
            self.message_user(request, f"Could not fetch metadata now: {exc}. Try again later.", messages.ERROR)
        else:
            sources = ", ".join(outcome.sources)
            if outcome.changed:
                changed = ", ".join(field.replace("_", " ") for field in outcome.changed)
                self.message_user(request, f"Fetched from {sources}. Changed: {changed}.", messages.SUCCESS)
            else:
                self.message_user(request, f"Fetched from {sources}. Nothing changed.", messages.INFO)
            for error in outcome.errors:
                self.message_user(request, f"Skipped a provider: {error}", messages.WARNING)
            for note in outcome.disagreements:
                self.message_user(
                    request,
                    f"{note['provider']} calls it “{note['title']}”, another recording: left out, "
                    "and the track kept as it is.",
                    messages.WARNING,
                )
        return HttpResponseRedirect(reverse("admin:tracks_track_change", args=[track.pk]))

    def fetch_background_view(self, request: HttpRequest, track_id):
        """Start a job of one for this track and follow it on its page."""
        if refused := self._refusal(request, back=reverse("admin:tracks_track_change", args=[track_id])):
            return refused
        track = get_object_or_404(Track, pk=track_id)
        done = self._start_jobs(request, [track.pk], kind=FetchTaskType.METADATA, force_refresh=True)
        return done or HttpResponseRedirect(reverse("admin:tracks_track_change", args=[track.pk]))

    def fetch_stale_view(self, request: HttpRequest):
        if refused := self._refusal(request):
            return refused
        try:
            created = services.stale_tracks_fetch(started_by=started_by(request))
        except BrokerUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            if created:
                total = sum(job.total for job in created)
                self.message_user(
                    request,
                    f"Started {count_text(len(created), 'fetch job')} over {count_text(total, 'stale track')}.",
                    messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:tracks_metadatafetchtask_changelist"))
            self.message_user(request, "No track has missing or stale metadata.", messages.INFO)
        return HttpResponseRedirect(reverse("admin:tracks_track_changelist"))

    def _import_and_report(self, request: HttpRequest, run_import):
        """Run an import service and say what it did; return the redirect to the track list on success."""
        try:
            result = run_import()
        except BrokerUnavailable as exc:
            self.message_user(request, f"The tracks were imported but their metadata fetch was not queued: {exc}",
                              messages.WARNING)
        except services.NothingFound as exc:
            self.message_user(request, f"Nothing was imported: {exc}", messages.ERROR)
        except ProviderError as exc:
            self.message_user(request, f"Nothing was imported: {exc.message}. Try again in a minute.", messages.ERROR)
        else:
            summary = result.summary()
            if result.jobs:
                links = mark_safe(", ".join(job_link(job) for job in result.jobs))
                summary = format_html("{} Their metadata is being fetched: {}.", summary, links)
            self.message_user(request, summary, messages.SUCCESS if result.created else messages.INFO)
            return HttpResponseRedirect(reverse("admin:tracks_track_changelist"))
        return None

    def soundcharts_import_view(self, request: HttpRequest):
        """Import an artist's songs: by UUID at once, or by name after picking one of the artists found."""
        if refused := self._refusal(request, provider="soundcharts"):
            return refused
        form = SoundchartsImportForm(request.POST or None)
        candidates, error = [], ""
        if request.method == "POST" and form.is_valid():
            artist_uuid = form.artist_uuid()
            if artist_uuid is not None:
                done = self._import_and_report(
                    request,
                    lambda: services.soundcharts_artist_import(
                        artist_uuid=artist_uuid, limit=form.cleaned_data["limit"], offset=form.cleaned_data["offset"],
                        started_by=started_by(request),
                    ),
                )
                if done:
                    return done
            else:
                try:
                    candidates = services.soundcharts_artist_search(name=form.cleaned_data["artist"])
                except ProviderError as exc:
                    error = f"Soundcharts could not search now: {exc.message}. Try again in a minute."
                if not candidates and not error:
                    error = f"Soundcharts knows no artist called “{form.cleaned_data['artist']}”."
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
            "title": "Import from Soundcharts", "candidates": candidates, "error": error,
        }
        return TemplateResponse(request, "admin/tracks/track/import_soundcharts.html", context)

    def spotify_search_view(self, request: HttpRequest):
        if refused := self._refusal(request, provider="spotify"):
            return refused
        form = SpotifySearchForm(request.GET or None)
        results, error = [], ""
        if request.method == "POST":
            chosen = request.POST.getlist("spotify_id")
            done = self._import_and_report(
                request, lambda: services.spotify_tracks_import(spotify_ids=chosen, started_by=started_by(request))
            )
            if done:
                return done
        if form.is_valid():
            try:
                results = services.spotify_search(query=form.cleaned_data["query"])
            except ProviderError as exc:
                error = f"Spotify could not search now: {exc.message}. Try again in a minute."
        known = selectors.known_spotify_ids([result.external_id for result in results])
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "title": "Search Spotify",
            "results": [(result, result.external_id in known) for result in results], "error": error,
        }
        return TemplateResponse(request, "admin/tracks/track/search_spotify.html", context)
