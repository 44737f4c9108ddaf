import re
import uuid

from django import forms
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
    UnfoldAdminURLInputWidget,
)

from common import dates
from common.text import length_text
from providers.registry import id_fields
from tracks import keys
from tracks.genres import normalise_genre
from tracks.models import PROVIDER_ID_FIELDS, Track

ISRC = re.compile(r"[A-Z]{2}[A-Z0-9]{3}\d{7}")


class SoundchartsImportForm(forms.Form):
    artist = forms.CharField(
        label="Artist", max_length=200, widget=UnfoldAdminTextInputWidget,
        help_text="A name to search Soundcharts for, or an artist's Soundcharts UUID "
        "(e.g. 11e81bbe-5b34-a426-8614-a0369fe50396).",
    )
    limit = forms.IntegerField(min_value=1, max_value=1000, initial=100, help_text="How many songs to import.",
                               widget=UnfoldAdminIntegerFieldWidget)
    offset = forms.IntegerField(min_value=0, initial=0, help_text="Skip this many of the artist's songs first.",
                                widget=UnfoldAdminIntegerFieldWidget)

    def artist_uuid(self) -> uuid.UUID | None:
        """Return the artist as a UUID when one was given, else None (a name to search)."""
        try:
            return uuid.UUID(self.cleaned_data["artist"].strip())
        except ValueError:
            return None


class SpotifySearchForm(forms.Form):
    query = forms.CharField(
        max_length=200, widget=UnfoldAdminTextInputWidget,
        help_text='A track name, "artist - title", or an ISRC such as GBAYE0601498.',
    )


class ArtistsField(forms.CharField):
    """Artists as names, one per line, stored as a list (names may hold commas: "Earth, Wind & Fire")."""

    widget = UnfoldAdminTextareaWidget(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError("Give at least one artist.")
        for name in value:
            if len(name) > 300:
                raise forms.ValidationError("An artist's name has at most 300 characters; "
                                            f"“{name[:40]}…” has {len(name)}.")

    def has_changed(self, initial, data):
        return self.to_python(initial or []) != self.to_python(data)


class LengthField(forms.CharField):
    """A length in seconds, entered and shown as m:ss."""

    widget = UnfoldAdminTextInputWidget(attrs={"placeholder": "3:14"})

    def prepare_value(self, value):
        return length_text(value) if isinstance(value, int) else value

    def to_python(self, value):
        if isinstance(value, int) or value in (None, ""):
            return value if isinstance(value, int) else None
        try:
            return keys.parse_duration(str(value))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def has_changed(self, initial, data):
        try:
            return self.to_python(initial) != self.to_python(data)
        except forms.ValidationError:
            return True


class ReleaseDateField(forms.CharField):
    """A date to the precision a person knows it: "2000", "2000-03" or "2000-03-29"."""

    def to_python(self, value):
        if isinstance(value, dates.ReleaseDate) or value in (None, ""):
            return value or None
        parsed = dates.parse_release_date(str(value))
        if parsed is None:
            raise forms.ValidationError(
                f"“{str(value)[:40]}” is not a date. Write a year (2019), a month (2019-03) or a day (2019-03-29)."
            )
        return parsed

    def has_changed(self, initial, data):
        try:
            return self.to_python(initial) != self.to_python(data) or (
                dates.precision_of(self.to_python(initial)) != dates.precision_of(self.to_python(data))
            )
        except forms.ValidationError:
            return True


class TrackForm(forms.ModelForm):
    """The track's fields as a person edits them, each checked with a message in words."""

    artists = ArtistsField(required=False, help_text="One artist per line, in credit order.")
    remixers = ArtistsField(required=False, help_text="Who made this version, one per line.")
    duration = LengthField(label="Length", required=False, help_text="Minutes and seconds, like 3:14.")
    release_date = ReleaseDateField(
        required=False, widget=UnfoldAdminTextInputWidget(attrs={"maxlength": 10, "placeholder": "2019-03-29"}),
        help_text="As much as is known: a year (2019), a month (2019-03) or a day.",
    )
    # Up to 20 characters as written ("GB-AYE-06-01498"); stored as its 12.
    isrc = forms.CharField(label="ISRC", required=False, max_length=20, help_text="Like GBAYE0601498.",
                           widget=UnfoldAdminTextInputWidget)
    artwork_url = forms.URLField(label="Artwork URL", required=False, max_length=1000, assume_scheme="https",
                                 widget=UnfoldAdminURLInputWidget)
    bpm = forms.DecimalField(
        label="BPM", required=False, min_value=1, max_value=999, max_digits=6, decimal_places=2,
        help_text="Beats per minute, like 124 or 123.5.", widget=UnfoldAdminDecimalFieldWidget,
        error_messages={
            "min_value": "BPM counts beats per minute, so it is at least 1.",
            "max_value": "BPM is at most 999.",
            "invalid": "Write the BPM as a number, like 124 or 123.5.",
            "max_decimal_places": "Give the BPM with at most two decimals.",
        },
    )

    rating = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None,
        choices=[("", "Not rated"), *((stars, "★" * stars if stars else "No stars") for stars in range(6))],
        widget=UnfoldAdminSelectWidget,
        help_text="Yours, 0 to 5 stars: read from a Rekordbox collection, written into the Rekordbox and Traktor "
                  "exports.",
    )

    class Meta:
        model = Track
        fields = (
            "title", "version", "remixers", "credit_name", "artists", "album", "album_artist", "label",
            "catalog_number", "release_date",
            "isrc", "track_number", "disc_number", "artwork_url", "genre", "bpm", "key", "duration", "rating",
            *PROVIDER_ID_FIELDS, "file_path", "file_format", "file_bitrate", "slug",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As each provider spells its name: Django's capitalising would make "iTunes" "ITunes".
        for spec in id_fields():
            if spec.field in self.fields:
                self.fields[spec.field].label = spec.label
        if self.instance.release_date:
            self.initial["release_date"] = dates.date_input(
                self.instance.release_date, self.instance.release_date_precision
            )

    def clean_release_date(self):
        value = self.cleaned_data.get("release_date")
        self.instance.release_date_precision = dates.precision_of(value) if value else dates.DAY
        return value

    def clean_genre(self):
        return normalise_genre(self.cleaned_data.get("genre", ""))

    def clean_isrc(self):
        isrc = "".join(self.cleaned_data.get("isrc", "").split()).replace("-", "").upper()
        if isrc and not ISRC.fullmatch(isrc):
            raise forms.ValidationError(
                "An ISRC has 12 characters: a 2-letter country, 3 letters or digits, then 7 digits, like GBAYE0601498."
            )
        return isrc

    def clean_key(self):
        key = self.cleaned_data.get("key", "").strip()
        if not key or "key" not in self.changed_data:
            return key
        code = keys.camelot(key)
        if code is None:
            raise forms.ValidationError(f"“{key[:40]}” is not a key. {keys.KEY_HELP}")
        return code
