"""Hold every weight and threshold the matcher uses, each with where it came from."""

from __future__ import annotations

from types import MappingProxyType

# Relative weight of each compared field in the weighted mean; a field missing on either side is left out and the
# rest renormalised, as beets' autotag distance does. beets' defaults (config_default.yaml, match.distance_weights)
# are track_title 3.0, track_artist 2.0, track_length 2.0, label 0.5, catalognum 0.5; we keep them unchanged so our
# numbers can be read against theirs. The version is not weighed: it is a gate (see VERSION_MISMATCH_CAP), since a
# weight would let a good title and artist outvote "Instrumental".
WEIGHTS = MappingProxyType(
    {
        "title": 3.0,
        "artist": 2.0,
        "duration": 2.0,
        "label": 0.5,
        "catalog_number": 0.5,
    }
)

# A candidate is accepted without a person only at or above this score: the discovery spec's default. With the
# weights above it needs the title at >= 84% when the artist is perfect and the duration unknown ((3*.84+2)/5), and
# durations within ~7 s when title and artist are perfect ((3+2+2*0.65)/7).
ACCEPT_THRESHOLD = 0.90

# Below this, the best candidate is not even a close call: nothing usable was found, and the line becomes a
# provisional library track instead of a question. 0.5 is VERSION_MISMATCH_CAP: a candidate of another version is
# still worth showing a person (the line may have named the version wrongly); less is a different song.
REVIEW_FLOOR = 0.5

# The best must beat the best different recording by this much, like beets' rec_gap_thresh (0.25 of distance there,
# where distances spread wider). 0.05 is about durations 5 s apart against a perfect twin, or an artist spelled
# "Adel" for "Adele" (0.044): close enough that a person should pick.
ACCEPT_GAP = 0.05

# Durations this many seconds apart count as equal: providers round differently and trim silence differently, and
# the old matcher's 5 s let radio edits of short tracks through.
DURATION_TOLERANCE = 3

# Past this many seconds apart the durations say "different recording" (similarity 0); in between it fades
# linearly. beets uses 10 s grace and 30 s max for whole releases; a single track's edit differs by far less.
DURATION_MAX_DIFF = 15

# Two base titles at least this similar (0..1, rapidfuzz ratio / 100) can be one recording spelled two ways:
# "Mr Brightside" / "Mr. Brightside" are equal once normalised, "Dont Stop Me Now" / "Don't Stop Me Now" ~0.97,
# while "The Chain" / "The Chain Reaction" is 0.67.
SAME_RECORDING_MIN = 0.85

# Two artist names at least this similar (0..1) are one artist spelled two ways, for same_recording.
SAME_ARTIST_MIN = 0.85

# Score ceiling for a candidate of another version, well under ACCEPT_THRESHOLD so no other evidence can accept it.
VERSION_MISMATCH_CAP = 0.5

# Score floor when an ISRC or provider id is shared and the versions agree: an identifier outweighs spelling, as in
# Picard's and beets' id tiers (beets track_id weight 5.0 dwarfs the others).
IDENTIFIER_FLOOR = 0.98

# Title similarity ceiling when the titles carry different numbers ("Part 1" / "Part 2", "Blue Monday" /
# "Blue Monday 88"): fuzzy ratio calls those 90% alike, yet they are different recordings.
NUMBER_MISMATCH_CAP = 0.6

# Artist similarity ceiling when one name is the other with a whole word missing ("Fleetwood" / "Fleetwood Mac",
# "Bruno" / "Bruno Mars"): fuzzy ratio calls those 82% alike, yet they are two acts, and with a perfect title the
# score would pass ACCEPT_THRESHOLD. 0.6 keeps such a candidate under it ((3 + 2 * 0.6) / 5 = 0.84, and 0.89 with a
# perfect length too) yet above REVIEW_FLOOR, so a person still sees it. Articles ("a", "the") do not count.
ARTIST_WORD_MISSING_CAP = 0.6

# Each name one credit has beyond the other lowers artist similarity this much: "Daft Punk" vs "Daft Punk,
# Pharrell Williams" is 0.95, a missing featured artist and not a different act.
EXTRA_ARTIST_PENALTY = 0.05

# Names per credit that artist pairing looks at (it compares every name with every other). Real credits stay far
# below this; a tag with thousands of names would otherwise stall a worker.
MAX_ARTIST_NAMES = 32

# Slack for float rounding when comparing scores against the threshold and the gap.
EPSILON = 1e-9
