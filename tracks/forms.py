from django import forms


class SoundchartsImportForm(forms.Form):
    artist_uuid = forms.UUIDField(
        label="Soundcharts artist UUID",
        help_text="From the artist's Soundcharts URL, e.g. 11e81bbe-5b34-a426-8614-a0369fe50396.",
    )
    limit = forms.IntegerField(min_value=1, max_value=1000, initial=100, help_text="How many songs to import.")
    offset = forms.IntegerField(min_value=0, initial=0, help_text="Skip this many of the artist's songs first.")


class SpotifySearchForm(forms.Form):
    query = forms.CharField(
        max_length=200,
        help_text='A track name, "artist - title", or an ISRC such as GBAYE0601498.',
    )
