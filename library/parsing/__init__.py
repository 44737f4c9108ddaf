"""Read DJ-mix tracklists (pasted text, CSV exports, CUE sheets) into lines of artist, title, version and label.

Pure Python with no Django and no I/O, so the admin, the importers and the benchmark all call the same functions
with plain strings. Nothing a person wrote is dropped: a line the parser cannot split into artist and title is kept
as UNPARSED with its text, one that says the track is unknown ("ID - ID", "Artist - ?") is UNIDENTIFIABLE, and a
line that is no track (the mix's title, "Tracklist:", a rule, a date, a link) is kept in ParsedTracklist.headers.

How pasted text is read:

- Position: a line's position is the number it prints ("07.", "07", "#7", "(7)", "NYH244 07") when that is greater
  than the previous line's position, else the previous position + 1. Positions stay unique and increasing, and gaps
  in the printed numbering are kept. A line with a vinyl side ("A1", "B2.", "AA1 -") or a disc position ("1.10")
  takes the next position and keeps what it printed in `side`.
- A catalogue number before the artist ("NYH244 07 Artist - Title") is the line's catalogue number.
- A square bracket that ends the title: "[Label - CAT 001]" is a label and catalogue number, a catalogue-shaped
  "[CAT001]" a catalogue number, "[Extended Mix]" a version. Any other ("[Locked Groove]") stays in the title, unless
  the tracklist writes its labels that way: when at least three lines, and half the lines, end in such brackets (as
  MixesDB's "[Label]" and 1001Tracklists' "[LABEL]" do), those brackets are labels.
- Not tracks: blank lines, rules ("-----"), headings ("Tracklist:", "CD 2", "Side A"), a line with a date and
  no artist and title ("2019-01-05", "Slam Radio 013 (2012-12-27)"), a link ("Source: https://..."), Discogs credit
  lines ("Written-By – X").
- The mix's own title: before the first track, a line with a clear sign of naming a mix is its title, giving
  ParsedTracklist.name, dj and date: an "@" ("Ben Klock @ Berghain - Klubnacht"), a date ("DJ - Essential Mix
  2019-01-05"), or, outside brackets, a word only a mix's title holds (Essential Mix, podcast, radio show, episode N,
  live at, DJ set, mixtape, guest mix, Boiler Room, b2b, tracklist). A first line without such a sign is a track
  ("Artist - Title" starts many plain lists), unless the next line shows that it was a heading: a heading, rule or
  date right after it, or a first number or side printed right after it ("01.", "1)", "A1") when it printed none.

Where each part lives: `results` (what the parser gives back), `text` (a pasted list: its title, headings and
lines), `lines` (one source line: its prefixes, joins and positions), `fields` (one track's artist, title, version
and label), `headings` (the lines that are no track), `files` (CSV, CUE and decoding) and `patterns` (every
compiled pattern). The modules import each other relatively, so a copy of the folder runs as it is
(`bench/parser_accuracy.py --module`).
"""

from .files import parse_csv, parse_cue, parse_file
from .results import LineStatus, ParsedLine, ParsedTracklist, TracklistError
from .text import parse_text

__all__ = [
    "LineStatus",
    "ParsedLine",
    "ParsedTracklist",
    "TracklistError",
    "parse_csv",
    "parse_cue",
    "parse_file",
    "parse_text",
]
