"""The discovery's forms: a tracklist pasted or uploaded, and a line of it searched again by hand."""

from __future__ import annotations

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from unfold.widgets import (
    UnfoldAdminFileFieldWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
    UnfoldAdminURLInputWidget,
)

from common.text import size_text, storable
from library import parsing
from library.models import Tracklist
from library.tracklists import TRACKLIST_MAX_BYTES, TRACKLIST_MAX_TEXT


class TracklistForm(forms.ModelForm):
    """A tracklist pasted as text or uploaded as a .txt, .csv or .cue file."""

    source_url = forms.URLField(
        label="Source URL", required=False, max_length=1000, assume_scheme="https", widget=UnfoldAdminURLInputWidget,
        help_text="Where the tracklist was published, e.g. its MixesDB page.",
    )
    upload = forms.FileField(
        required=False, label="Or upload a file", widget=UnfoldAdminFileFieldWidget,
        help_text="A .txt (one track per line), a .csv with artist and title columns (as MixesDB gives), or a .cue "
        f"sheet, at most {TRACKLIST_MAX_TEXT}. It replaces the text above.",
    )

    class Meta:
        model = Tracklist
        fields = ("name", "dj", "date", "source_url", "raw_text", "upload")
        widgets = {"raw_text": UnfoldAdminTextareaWidget(
            attrs={"rows": 16, "placeholder": "01. Artist - Title (X Remix) [Label]"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = (
            "Left empty, it is taken from the tracklist's own title line or the file's name."
        )
        self.fields["raw_text"].help_text = (
            "Paste the tracklist: any of “01. Artist - Title (X Remix) [Label]”, “[00:12:34] Artist - Title”, "
            "“Artist feat. B - Title”, “ID - ID”… Blank and header lines are skipped; a line that cannot be read "
            f"is kept as unparsed. At most {TRACKLIST_MAX_TEXT}, pasted or uploaded."
        )
        # Text from outside is made storable (a NUL shown as �), not refused: the rest of the paste is good.
        self.fields["raw_text"].validators = [
            check for check in self.fields["raw_text"].validators
            if not isinstance(check, ProhibitNullCharactersValidator)
        ]
        self.mixes: list[parsing.ParsedTracklist] = []
        # The DJ, date and link as the person gave them, before the mix's own fill what they left empty: what the
        # file's other mixes are given too (library.tracklists.tracklists_create_from_mixes).
        self.given: dict = {}

    def clean_raw_text(self) -> str:
        text = storable(self.cleaned_data.get("raw_text") or "")
        if len(text.encode("utf-8", "replace")) > TRACKLIST_MAX_BYTES:
            raise forms.ValidationError(f"A tracklist is at most {TRACKLIST_MAX_TEXT}; this one is "
                                        f"{size_text(len(text.encode('utf-8', 'replace')))}. "
                                        "Split it into smaller ones.")
        return text

    def clean(self):
        cleaned = super().clean()
        self.given = {"dj": cleaned.get("dj") or "", "date": cleaned.get("date"),
                      "source_url": cleaned.get("source_url") or ""}
        upload = cleaned.get("upload")
        if upload is not None:
            if upload.size > TRACKLIST_MAX_BYTES:
                raise forms.ValidationError({"upload": f"A tracklist is at most {TRACKLIST_MAX_TEXT}; this file "
                                                       f"is {size_text(upload.size)}. Split it into smaller ones."})
            try:
                self.mixes = [mix for mix in parsing.parse_file(upload.name, upload.read()) if mix.lines]
            except parsing.TracklistError as exc:
                raise forms.ValidationError({"upload": str(exc)}) from None
            if not self.mixes:
                raise forms.ValidationError({"upload": f"“{upload.name}” holds no tracklist lines."})
            cleaned["raw_text"] = "\n".join(line.raw for line in self.mixes[0].lines)
            cleaned["name"] = cleaned.get("name") or self.mixes[0].name or upload.name.rsplit(".", 1)[0]
        elif "raw_text" in cleaned:
            text = cleaned.get("raw_text") or ""
            if not text.strip():
                raise forms.ValidationError({"raw_text": "Paste the tracklist, or upload a file."})
            self.mixes = [parsing.parse_text(text)]
            if not self.mixes[0].lines:
                raise forms.ValidationError({"raw_text": "No line of this text reads as a track (only headings, "
                                                         "dates or blank lines). Paste the tracklist's track lines."})
        if self.mixes:
            # What the file or the paste says of the mix fills what the form leaves empty.
            first = self.mixes[0]
            cleaned["name"] = cleaned.get("name") or first.name
            cleaned["dj"] = cleaned.get("dj") or first.dj
            cleaned["date"] = cleaned.get("date") or first.date
            cleaned["source_url"] = cleaned.get("source_url") or first.source_url
        if not cleaned.get("name"):
            raise forms.ValidationError({"name": "Give the mix a name."})
        return cleaned


class ReviewSearchForm(forms.Form):
    artist = forms.CharField(max_length=500, widget=UnfoldAdminTextInputWidget)
    title = forms.CharField(max_length=500, widget=UnfoldAdminTextInputWidget)
    version = forms.CharField(max_length=300, required=False, widget=UnfoldAdminTextInputWidget,
                              help_text="The remix, mix or edit, e.g. “Bicep Remix”; empty for the original.")
