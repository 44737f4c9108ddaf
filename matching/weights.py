"""Hold every weight and threshold that decides what something is, each with where it came from: a provider's
hit against a recording (`matching.score`), a peer's file against a download (`matching.files`,
`downloads.choice`), and two files on disk against each other (downloads' filing, `audio.fingerprint`, the
crates' duplicates)."""

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


# --- A peer's file against the download it is for (matching.files, downloads.choice) --------------------------------

# How a remote path's words count (matching.files.PathMatch.score): the share of the title's words in the file name
# and of an artist's words anywhere in the path. The title weighs a little more because peers often leave the
# artist to a folder, or out. Set by hand when the choice was written; they only order files, since a file is taken
# on its own only when its path names the recording outright (PathMatch.confident), whatever its score.
PATH_WEIGHTS = MappingProxyType({"title": 0.55, "artist": 0.45})

# A path that names another version keeps this share of its score: shown low in the list, never taken on its own.
PATH_VERSION_MISMATCH_FACTOR = 0.3

# What a file gains or loses beside its path's score, so that among files naming the recording the better audio
# from the readier peer comes first (downloads.choice.score_candidate). Set by hand, in proportion to one another,
# not fitted to data (there is no labelled set of peers' files); none makes a wrong file right, since files that
# fit and meet the quality rank first whatever their score (downloads.choice.rank).
DOWNLOAD_PREFERENCES = MappingProxyType(
    {
        # The length within DURATION_TOLERANCE of the track's: the best sign of the right cut that a path cannot
        # give, worth the three quality tiers together.
        "length_matches": 0.15,
        # Per quality tier: MP3 V0 is 1, MP3 320 kbit/s 2, lossless 3.
        "quality_tier": 0.05,
        # A free upload slot: the file starts now rather than after a wait; one quality tier.
        "free_slot": 0.05,
        # Per file ahead in the peer's queue, and at most (twenty files: two quality tiers).
        "queued_file": 0.005,
        "queue_max": 0.1,
        # Per byte a second of the peer's upload speed, and at most (5 MB/s and faster count alike).
        "speed_per_byte_second": 1 / 100_000_000,
        "speed_max": 0.05,
        # Taken off a file the peer has locked: it would never arrive, so it sinks below any file that would.
        "locked": 0.5,
    }
)


# --- Two files on disk ----------------------------------------------------------------------------------------------

# An existing file of the same size whose length is within this many seconds of a download's is the same audio
# (downloads' filing reuses it instead of adding "name (2)"): encoders pad a few milliseconds, a different edit
# differs by seconds.
SAME_AUDIO_TOLERANCE = 0.5

# Two Chromaprint fingerprints (audio.fingerprint) whose bits differ over their overlap at most this share are one
# recording. Measured on files made with ffmpeg: a FLAC and its MP3 at 320 kbit/s 0.0 %, 128 kbit/s 0.04 %,
# 64 kbit/s 2.3 %, Opus at 32 kbit/s 7.1 %, a copy starting 1.5 s later 1.6 %; unrelated audio 42-65 %. 15 % sits in
# that gap, as fingerprint comparisons in Chromaprint's circle do (they draw the line between 10 and 20 %).
SAME_RECORDING_BER = 0.15

# Summed difference of two fingerprint briefs (32 shares, each 0..1) under which two files are compared in full:
# copies of one recording measured under 0.8, unrelated audio 6 and more.
PROFILE_CLOSE = 2.5
