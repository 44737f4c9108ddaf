"""Write lines.json: the identification bench's labelled lines, with their candidates picked from real recorded
provider answers by one stated rule. Run it after changing a line below:

    python bench/data/identification/build.py [--corpus ../shared/corpus]

The rule (README.md beside this file): for each recorded answer a line draws on, every hit whose title (with its
version) holds the line's searched title as a run of words, in the recorded order, at most the app's SEARCH_LIMIT
per provider; for an answer to a search by title only, the hit's artist must hold the line's artist too (the
artist half of the app's artist-and-title search). The label is written here by hand, from what the recorded
answers say (disambiguation comments, release groups, lengths, ISRCs), as id prefixes the rule must have picked.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from bench import identification as bench  # noqa: E402 - after the repo root is on the path

MB_FM = ("musicbrainz", "musicbrainz/revsrev-search-recording-artist-fleetwood-mac.xml", False)
MB_DYNAMO = ("musicbrainz", "musicbrainz/mbngs-search-recording.xml", False)
SP_HITS = ("spotify", "spotify/harmony-album-32nryzA6XBCX9ZUspVc1yz.json", True)
SP_HITS_2 = ("spotify", "spotify/harmony-album-32nryzA6XBCX9ZUspVc1yz-tracks-offset50.json", True)
SP_MUSE = ("spotify", "spotify/swaj-search-tracks-muse.json", True)
SP_KILLERS_1 = ("spotify", "spotify/swaj-tracks-several.json", True)
SP_KILLERS_2 = ("spotify", "spotify/zmb3-tracks-several-killers.json", True)
SP_UPTOWN = ("spotify", "spotify/zmb3-search-tracks-uptown.json", True)
SP_HAPPY = ("spotify", "spotify/beets-track_request.json", True)
SP_DESPICABLE = ("spotify", "spotify/beets-album_info.json", True)
SP_GAGA = ("spotify", "spotify/harmony-tracks-ids-2plbrEY59IikOBgBGLjaoe.json", True)
SP_TIMBER = ("spotify", "spotify/zmb3-track-1zHlj4dQ8ZAtrayhuDDmkY.json", True)
SP_ELVIS = ("spotify", "spotify/swaj-artist-top-tracks.json", True)
SP_HOLIDAY = ("spotify", "spotify/zmb3-search-tracks-holiday.json", True)
DZ_SOLILOQUY = ("deezer", "deezer/dzpy-search-track-soliloquy.json", True)
DZ_LOU = ("deezer", "deezer/dzpy-search-artist-lou-doillon.json", True)
DZ_LOU_ALBUM = ("deezer", "deezer/dzpy-search-artist-album-lou-doillon-lay-low.json", True)
DZ_DAFT_TOP = ("deezer", "deezer/navidrome-artist-top-daft-punk.json", True)
DZ_DISCOVERY = ("deezer", "deezer/dzpy-album-302127.json", True)
DZ_HBFS = ("deezer", "deezer/dzpy-track-3135556.json", True)
DZ_GAGA = ("deezer", "deezer/harmony-track-2947516331.json", True)
IT_OPERA = ("itunes", "itunes/harmony-lookup-album-1441458047-gb.json", True)
IT_DREAM = ("itunes", "itunes/harmony-lookup-album-1728639278-us.json", True)
IT_90S = ("itunes", "itunes/harmony-lookup-album-255636575-gb.json", True)
BP_FEELING = ("beatport", "beatport/postmanlog-catalog-tracks-name-feeling-artist-newtone.json", False)
DG_TRASH80 = ("discogs", "discogs/jdc-search-q-trash80.json", True)

FM, DYNAMO = [MB_FM], [MB_DYNAMO]
HITS = [SP_HITS, SP_HITS_2]

# Categories, so the figures say where a rule helps or hurts.
PLAIN = "plain"  # the line names no version; its recording is listed (maybe beside other versions)
DUPLICATES = "duplicates"  # several listings of the right recording
VERSION = "version named"  # the line names a version, and it is listed
SPELLING = "spelling"  # remaster / original / slash / dash spellings on either side
OTHER_VERSION = "other version only"  # only other versions are listed: must not accept
OTHER_ACT = "other act"  # the title is there, by someone else: must not accept
SEVERAL = "several fit"  # distinct recordings fit the line alike: a person picks
ACROSS = "across providers"  # one recording listed by several providers
NOTHING_THERE = "nothing there"  # nothing fits: must not accept

# (category, line as pasted, recorded answers, right ids (prefixes; () = must not accept), ambiguous, note)
# ambiguous: a person asking is right too (the label is unsure, or the line fits several recordings alike).
SPECS: list[tuple] = [
    # --- MusicBrainz: Fleetwood Mac (100 recordings with releases, release groups and disambiguations) ---------
    (PLAIN, "Fleetwood Mac - Watch Out", FM, ["167868b8"], False, "one compilation listing"),
    (PLAIN, "Fleetwood Mac - Sooner or Later", FM, ["80c136ab"], False, ""),
    (PLAIN, "Fleetwood Mac - Little Lies", FM, ["493f57e4"], False,
     "the other listing is the extended version on a Remix release group"),
    (VERSION, "Fleetwood Mac - Little Lies (Extended Version)", FM, ["799ba6e4"], False,
     "title says extended version; its release group is a Remix one, which says no more than the title"),
    (VERSION, "Fleetwood Mac - Little Lies (Extended Mix)", FM, ["799ba6e4"], False, "extended mix = extended version"),
    (OTHER_VERSION, "Fleetwood Mac - Little Lies (Instrumental)", FM, [], False, "no instrumental listed"),
    (PLAIN, "Fleetwood Mac - Madison Blues", FM, ["b1b3ab4d"], False,
     "3d2d5bec is on releases typed Live (Greatest Hits Live, In Harmony)"),
    (VERSION, "Fleetwood Mac - Madison Blues (Live)", FM, ["3d2d5bec"], False, "release groups typed Live"),
    (PLAIN, "Fleetwood Mac - Tutti Frutti", FM, ["546dde61"], False, "one compilation listing, no version stated"),
    (DUPLICATES, "Fleetwood Mac - Don't Stop", FM,
     ["a5460fc8", "846b6079", "172d34cd", "e860b3c0", "1f914fcd", "6a18adbb", "c6037126", "a5738bc1"], False,
     "eight compilation listings of the Rumours recording, 189-194 s, never merged; "
     "1941e69f is The Dance (live video)"),
    (DUPLICATES, "Fleetwood Mac - Don't Stop (Remastered)", FM,
     ["a5460fc8", "846b6079", "172d34cd", "e860b3c0", "1f914fcd", "6a18adbb", "c6037126", "a5738bc1"], False,
     "a remaster is the same recording"),
    (OTHER_VERSION, "Fleetwood Mac - Don't Stop (Live)", FM, [], True,
     "the only live listing is The Dance's video recording (video flag): not the audio a DJ plays"),
    (OTHER_VERSION, "Fleetwood Mac - Oh Well", FM, [], False,
     "three listings, each only on a Live release group; the studio single is not listed"),
    (SEVERAL, "Fleetwood Mac - Oh Well (Live)", FM, [], True,
     "three live listings on three different live albums, 185/185/200 s: which concert is not said"),
    (OTHER_VERSION, "Fleetwood Mac - Rattlesnake Shake", FM, [], False,
     "only a live medley 'Rattlesnake Shake / Underway' on a live bootleg"),
    (OTHER_VERSION, "Fleetwood Mac - Whole Lot of Loving", FM, [], False, "only on a live bootleg"),
    (PLAIN, "Fleetwood Mac - Seven Wonders", FM, ["3bfd004b"], False, "a bootleg compilation's listing, no version"),
    (OTHER_VERSION, "Fleetwood Mac - Seven Wonders (Extended Version)", FM, [], False, "only the plain one listed"),
    (PLAIN, "Fleetwood Mac - The Dream", FM, ["d9e72766"], False, ""),
    (PLAIN, "Fleetwood Mac - Gypsy", FM, ["a0664da6"], False, ""),
    (SPELLING, "Fleetwood Mac - Gypsy - 2002 Remaster", FM, ["a0664da6"], False, "remaster = same recording"),
    (PLAIN, "Fleetwood Mac - No Questions Asked", FM, ["9b2094ed"], False,
     "listed as 'No Question Asked': one letter apart", "question asked"),
    (DUPLICATES, "Fleetwood Mac - Go Your Own Way", FM, ["4c1e7d89", "866f0465"], False,
     "two compilation listings, 217 and 219 s"),
    (SPELLING, "Fleetwood Mac - Go Your Own Way (2004 Remaster)", FM, ["4c1e7d89", "866f0465"], False, ""),
    (SPELLING, "Fleetwood Mac - Go Your Own Way - Remastered", FM, ["4c1e7d89", "866f0465"], False, ""),
    (SPELLING, "Fleetwood Mac - Go Your Own Way (2004 Re-Mastered Digital Version)", FM, ["4c1e7d89", "866f0465"],
     False, ""),
    (SPELLING, "Fleetwood Mac - Go Your Own Way (Original Version 1977)", FM, ["4c1e7d89", "866f0465"], False,
     "original with a year names the original"),
    (SPELLING, "Fleetwood Mac - Go Your Own Way (Album Version)", FM, ["4c1e7d89", "866f0465"], False, ""),
    (OTHER_VERSION, "Fleetwood Mac - Go Your Own Way (Live)", FM, [], False, "no live listing"),
    (OTHER_VERSION, "Fleetwood Mac - Go Your Own Way (Demo)", FM, [], False, "no demo listing"),
    (OTHER_VERSION, "Fleetwood Mac - Homework", FM, [], True,
     "the Chess session recording, on release groups typed Live; the line names no version: a person decides"),
    (OTHER_VERSION, "Fleetwood Mac - Black Jack Blues", FM, [], True, "as Homework"),
    (VERSION, "Fleetwood Mac - Like It This Way (Live)", FM, ["b1902369"], False, "release groups typed Live"),
    (VERSION, "Fleetwood Mac - Rockin' Boogie (Live)", FM, ["5b56d67c"], False, ""),
    (OTHER_VERSION, "Fleetwood Mac - Great Balls of Fire", FM, [], False, "on live release groups only"),
    (OTHER_VERSION, "Fleetwood Mac - Temporary One", FM, [], False, "The Dance: live video recording only"),
    (OTHER_VERSION, "Fleetwood Mac - Temporary One (Live)", FM, [], False,
     "The Dance's recording is a video (video flag): not the audio recording"),
    (OTHER_VERSION, "Fleetwood Mac - Songbird", FM, [], False, "live video only"),
    (OTHER_VERSION, "Fleetwood Mac - Songbird (Live)", FM, [], False, "live video only"),
    (PLAIN, "Fleetwood Mac - Everywhere", FM, ["443f134e"], False, "39e81728 is The Dance's live video"),
    (SPELLING, "Fleetwood Mac - Everywhere (Remastered)", FM, ["443f134e"], False, ""),
    (OTHER_VERSION, "Fleetwood Mac - Everywhere (Live)", FM, [], False, "the only live one is a video"),
    (OTHER_VERSION, "Fleetwood Mac - Everywhere (Instrumental)", FM, [], False, ""),
    (OTHER_VERSION, "Fleetwood Mac - Gold Dust Woman", FM, [], False, "live video only"),
    (OTHER_VERSION, "Fleetwood Mac - Tusk", FM, [], False, "live video only"),
    (OTHER_VERSION, "Fleetwood Mac - Go Insane", FM, [], False, "live video only"),
    (OTHER_VERSION, "Fleetwood Mac - My Little Demon", FM, [], False, "live video only"),
    (PLAIN, "Fleetwood Mac - My Baby's Sweeter", FM, ["01e7e0a0"], False, ""),
    (PLAIN, "Fleetwood Mac - I Have to Laugh", FM, ["dcc2ecbc"], False, ""),
    (SEVERAL, "Fleetwood Mac - Do You Give a Damn for Me", FM, [], True,
     "two listings 221 and 240 s apart by 19 s on different compilations: two recordings"),
    (PLAIN, "Fleetwood Mac - Searching for Madge", FM, ["8326d2c9"], False, "on the Then Play On albums"),
    (PLAIN, "Fleetwood Mac - My Dream", FM, ["cf750a2a"], False, ""),
    (PLAIN, "Fleetwood Mac - You and I, Part I", FM, ["c8ef30e0"], False, ""),
    (SPELLING, "Fleetwood Mac - You and I Part 1", FM, ["c8ef30e0"], False, "roman I = 1", "you and i"),
    (OTHER_VERSION, "Fleetwood Mac - You and I, Part II", FM, [], False, "part II is another recording",
     "you and i"),
    (PLAIN, "Fleetwood Mac - Monday Morning", FM, ["f8b2860e"], False, "no length known"),
    (PLAIN, "Fleetwood Mac - Ramblin' Pony", FM, ["f2167059"], False, ""),
    (PLAIN, "Fleetwood Mac - Ooh Baby", FM, ["0642da15"], False, ""),
    (OTHER_VERSION, "Fleetwood Mac - Oh Baby", FM, [], False, "only on a live album"),
    (PLAIN, "Fleetwood Mac - Tell Me All the Things You Do", FM, ["942744aa"], False, ""),
    (OTHER_VERSION, "Fleetwood Mac - Albatross", FM, [], False,
     "only the Shrine 1969 live recording is listed (disambiguation says live)"),
    (VERSION, "Fleetwood Mac - Albatross (Live)", FM, ["6cc0b5e7"], False, "the one live recording listed"),
    (VERSION, "Fleetwood Mac - Albatross (Live at the Shrine 1969)", FM, ["6cc0b5e7"], False,
     "names the concert the disambiguation names"),
    (OTHER_VERSION, "Fleetwood Mac - Albatross (Live at the Boston Tea Party)", FM, [], False, "another concert"),
    (OTHER_VERSION, "Fleetwood Mac - Rollin' Man", FM, [], False, "live only"),
    (VERSION, "Fleetwood Mac - Rollin' Man (Live)", FM, ["1de70895"], False, ""),
    (VERSION, "Fleetwood Mac - If You Be My Baby (Live)", FM, ["85d8f97d"], False, ""),
    (OTHER_VERSION, "Fleetwood Mac - Lemon Squeezer", FM, [], False, "live only"),
    (PLAIN, "Fleetwood Mac - Miranda", FM, ["82ce329a"], False, ""),
    (PLAIN, "Fleetwood Mac - Running Through the Garden", FM, ["e6eaf04b"], False, ""),
    (PLAIN, "Fleetwood Mac - Come", FM, ["cc09ef52"], False, "'Come softly to me' is listed too"),
    (PLAIN, "Fleetwood Mac - Destiny Rules", FM, ["7e4bcfa4"], False, ""),
    (PLAIN, "Fleetwood Mac - Say You Will", FM, ["5d11f14f"], False,
     "the other is 'Say You Will (live from AOL sessions)'"),
    (VERSION, "Fleetwood Mac - Say You Will (Live)", FM, ["9b075737"], False, "live from AOL sessions"),
    (PLAIN, "Fleetwood Mac - Think About It", FM, ["7300a35b"], True,
     "the one listing is on a bootleg of Rumours outtakes: maybe not the Tusk recording"),
    (PLAIN, "Fleetwood Mac - No Place to Go", FM, ["df3cc578"], False, ""),
    (OTHER_VERSION, "Fleetwood Mac - I Held My Baby Last Night", FM, [], False, "live only"),
    (OTHER_VERSION, "Fleetwood Mac - How Blue Can You Get", FM, [], False, "two live listings only"),
    (SEVERAL, "Fleetwood Mac - How Blue Can You Get (Live)", FM, [], True, "two live recordings, 245 and 298 s"),
    (VERSION, "Fleetwood Mac - Bleeding Heart (Live)", FM, ["076cc67e"], False, ""),
    (PLAIN, "Fleetwood Mac - Blues in B-Flat Minor", FM, ["edb6822e"], False, "hyphen spelled U+2010 there"),
    (PLAIN, "Fleetwood Mac - Talk to Me Baby", FM, ["693ac600"], False, ""),
    (PLAIN, "Fleetwood Mac - Isn't It Midnight", FM, ["f4d887c5"], False, ""),
    (OTHER_VERSION, "Fleetwood Mac - Stand Back", FM, [], False, "only 'Stand Back (live)'"),
    (VERSION, "Fleetwood Mac - Stand Back (Live)", FM, ["0c3d6214"], False, ""),
    (OTHER_VERSION, "Fleetwood Mac - Buzz Me", FM, [], False, "live only"),
    (VERSION, "Fleetwood Mac - Buzz Me (Live)", FM, ["0957c5ea"], False, ""),
    (VERSION, "Fleetwood Mac - The World Keeps On Turning (Live)", FM, ["21438779"], False, ""),
    (OTHER_VERSION, "Fleetwood Mac - Worried Dream", FM, [], False, "live only"),
    (PLAIN, "Fleetwood Mac - Coming Your Way", FM, ["64d11360"], False, ""),
    (PLAIN, "Fleetwood Mac - Don't Be Cruel", FM, ["b43c2ec9"], False, ""),
    (PLAIN, "Fleetwood Mac - I'm So Lonely and Blue", FM, ["351e038b"], False, ""),
    (PLAIN, "Fleetwood Mac - Long Grey Mare", FM, ["9b14bc7e"], True, "one listing on a rarities compilation"),
    (PLAIN, "Fleetwood Mac - Mind of My Own", FM, ["576e4bc3"], False, ""),
    (VERSION, "Fleetwood Mac - My Baby's a Good Un (Live)", FM, ["91a497b5"], False, ""),
    (OTHER_VERSION, "Fleetwood Mac - My Baby's a Good Un", FM, [], False, "live only"),
    (VERSION, "Fleetwood Mac - Don't Know Which Way to Go (Live)", FM, ["f2ce0ffd"], False, ""),
    (OTHER_VERSION, "Fleetwood Mac - Jenny Jenny", FM, [], False, "live only"),
    (OTHER_VERSION, "Fleetwood Mac - Red Hot Mama", FM, [], False, "live only"),
    (VERSION, "Fleetwood Mac - Got to Move (Live)", FM, ["c5f48f72"], False, ""),
    (PLAIN, "Fleetwood Mac - Black Magic Woman", FM, ["bfddd757"], True,
     "bfddd757 is the 171 s single; af53150d is a 7:49 take on a rarities set; the line gives no length"),
    (VERSION, "Fleetwood Mac - Black Magic Woman (Live)", FM, ["66533e0a"], False, "'Black Magic Woman (live)'"),
    (PLAIN, "Fleetwood Mac - Man of the World", FM, ["365f4b1d", "2469060b", "a9b84bfe"], True,
     "three listings 166-173 s: likely the one single, not certain"),
    (DUPLICATES, "Fleetwood Mac - Save Me", FM, ["2e46fb40", "1fe88c22"], False, "255.8 and 255.6 s"),
    (PLAIN, "Fleetwood Mac - Need Your Love So Bad", FM, ["4427b6b2", "c420964a"], True,
     "two listings 230 and 235 s; the song has more than one take"),
    (OTHER_VERSION, "Fleetwood Mac - The Green Manalishi", FM, [], True,
     "the listings are 15-16 minute performances (one on a live bootleg), not the 1970 single"),
    (SEVERAL, "Fleetwood Mac - The Green Manalishi (With the Two-Pronged Crown)", FM, [], True,
     "the listing of that exact title is a 15-minute performance like the live bootleg's beside it; the parser "
     "reads '(With ...)' as a credit", "the green manalishi"),
    (OTHER_ACT, "Fleetwood Mac - Gangsta Love", FM, [], False, "listed by 'Fleetwood', another act"),
    (PLAIN, "Fleetwood - Gangsta Love", FM, ["256a73ac"], False, ""),
    (NOTHING_THERE, "Fleetwood Mac - Dreams", FM, [], False, "not in the answer"),
    (NOTHING_THERE, "Fleetwood Mac - The Chain (2004 Remaster)", FM, [], False, "not in the answer"),
    # --- MusicBrainz: musicbrainzngs' recorded search (Dynamo Go, Thief) --------------------------------------
    (PLAIN, "Dynamo Go - Thief of Hearts", DYNAMO, ["cb4d4d70"], False, ""),
    (PLAIN, "Dynamo Go - Waiting My Turn", DYNAMO, ["ac78e2cd"], False, ""),
    (PLAIN, "Dynamo Go - Just a Victim", DYNAMO, ["fc167a9c"], False, ""),
    (PLAIN, "Dynamo Go - If This Beard Had Wings", DYNAMO, ["dc644a8d"], False, ""),
    (PLAIN, "Dynamo Go - Final Reunion", DYNAMO, ["e459c762"], False, ""),
    (PLAIN, "Dynamo Go - Johnny the Punk", DYNAMO, ["fba85059"], False, ""),
    (PLAIN, "Dynamo Go - Route 17", DYNAMO, ["b547acbc"], False, ""),
    (SEVERAL, "Dynamo Go - Sad Again", DYNAMO, [], True, "two recordings, 181 and 275 s"),
    (PLAIN, "Dynamo Go - What Went Wrong?", DYNAMO, ["428bffe8"], False, ""),
    (PLAIN, "Dynamo Go - You Fell From the Sky", DYNAMO, ["5bef501f"], False, ""),
    (PLAIN, "Third Day - Thief", DYNAMO, ["5d93c09f"], False, "'Thief of Hearts' and CAN's 'Thief' beside it"),
    (PLAIN, "Can - Thief", DYNAMO, ["b47c4a38"], False, "credited CAN"),
    (OTHER_ACT, "Dynamo Go - Thief", DYNAMO, [], False, "Thief by Third Day and CAN; Dynamo Go's is 'Thief of Hearts'"),
    (OTHER_ACT, "Radiohead - Thief", DYNAMO, [], False, ""),
    # --- Spotify: a hits playlist's tracks, with Spotify's dash suffixes -----------------------------------
    (PLAIN, "R.E.M. - Losing My Religion", HITS, ["31AOj9sF"], False, ""),
    (PLAIN, "The Rolling Stones - Gimme Shelter", HITS, ["6H3kDe7C"], False, ""),
    (PLAIN, "Bon Jovi - Livin' on a Prayer", HITS, ["0ee1DiZF"], False, ""),
    (OTHER_VERSION, "KISS - Detroit Rock City", HITS, [], False, "only 'Detroit Rock City - Edit'"),
    (VERSION, "KISS - Detroit Rock City (Edit)", HITS, ["0PQ51hZt"], False, ""),
    (PLAIN, "Thin Lizzy - The Boys Are Back in Town", HITS, ["43DeSV93"], False, ""),
    (PLAIN, "Rush - Tom Sawyer", HITS, ["3QZ7uX97"], False, ""),
    (OTHER_VERSION, "The Rolling Stones - (I Can't Get No) Satisfaction", HITS, [], False, "only the mono version"),
    (VERSION, "The Rolling Stones - (I Can't Get No) Satisfaction (Mono Version)", HITS, ["2PzU4IB8"], False, ""),
    (VERSION, "The Rolling Stones - Satisfaction (Mono)", HITS, ["2PzU4IB8"], True,
     "the line drops the title's '(I Can't Get No)'"),
    (OTHER_VERSION, "The Rolling Stones - Paint It Black", HITS, [], False, "only 'Paint It, Black - Mono'"),
    (VERSION, "The Rolling Stones - Paint It, Black (Mono)", HITS, ["63T7DJ1A"], False, ""),
    (OTHER_VERSION, "The Rolling Stones - Honky Tonk Women", HITS, [], False, "only the mono version"),
    (VERSION, "The Rolling Stones - Honky Tonk Women (Mono Version)", HITS, ["4kZb8F04"], False, ""),
    (SPELLING, "Blondie - One Way or Another", HITS, ["4cQJ27R1"], False, "'- Remastered 2001'"),
    (SPELLING, "U2 - With or Without You", HITS, ["6ADSaE87"], False, "'- Remastered 2007'"),
    (SPELLING, "The Go-Go's - We Got the Beat", HITS, ["5kz9GDBT"], False, "'- 2011 Remaster'"),
    (SPELLING, "The Verve - Bitter Sweet Symphony", HITS, ["0Dmao2oW"], False, "'- Remastered 2016'"),
    (SPELLING, "The Smashing Pumpkins - 1979", HITS, ["5QLHGv0D"], False, "'1979 - Remastered 2012': a year as title"),
    (SPELLING, "The Smashing Pumpkins - Bullet with Butterfly Wings (Remastered)", HITS, ["6GtX0jaN"], False, ""),
    (SPELLING, "U2 - Sunday Bloody Sunday", HITS, ["6C4LXC9U"], False, "'- Remastered 2008'"),
    (SPELLING, "Billy Idol - White Wedding (Part 1)", HITS, ["1gzIbdFn"], False,
     "'White Wedding - Pt. 1 / Remastered 2002'",
     "white wedding"),
    (SPELLING, "Billy Idol - White Wedding", HITS, ["1gzIbdFn"], True,
     "'White Wedding - Pt. 1 / Remastered 2002': part 1 is the song as released; the line does not say so"),
    (SPELLING, "Derek & The Dominos - Layla", HITS, ["2kkvB3RN"], False,
     "'Layla - 40th Anniversary Version / 2010 Remastered': a reissue's remaster"),
    (PLAIN, "Heart - Crazy on You", HITS, ["5zH710lF"], False, ""),
    (PLAIN, "The Killers - Mr. Brightside", [SP_HITS, SP_KILLERS_1, SP_KILLERS_2],
     ["003vvx7N", "3n3Ppam7", "0eGsygTp"], False, "three listings (Hot Fuss, its deluxe, a playlist), 222-224 s"),
    (DUPLICATES, "The Killers - Somebody Told Me", [SP_KILLERS_1, SP_KILLERS_2], ["3twNvmDt", "1lDWb6b6"], False,
     "Hot Fuss and its deluxe edition, two ISRCs, 197.3 and 197.2 s"),
    (PLAIN, "Tom Petty - Free Fallin'", HITS, ["5tVA6Tkb"], False, ""),
    (PLAIN, "Tom Petty - Mary Jane's Last Dance", HITS, ["3dmqIB2Q"], False,
     "credited to Tom Petty and the Heartbreakers"),
    (PLAIN, "Thin Lizzy - Whiskey in the Jar", HITS, ["2uLx3Gka"], False, "a second credited name there"),
    (PLAIN, "Queen - Face It Alone", HITS, ["4dLzlXPv"], False, ""),
    (PLAIN, "Creedence Clearwater Revival - Fortunate Son", HITS, ["4BP3uh0h"], False, ""),
    (PLAIN, "Lynyrd Skynyrd - Free Bird", HITS, ["5EWPGh7j"], False, ""),
    (OTHER_VERSION, "Lynyrd Skynyrd - Free Bird (Live)", HITS, [], False, ""),
    (PLAIN, "Soundgarden - Black Hole Sun", HITS, ["2EoOZnxN"], False, ""),
    (PLAIN, "Steppenwolf - Magic Carpet Ride", HITS, ["2ZOttFXY"], False, ""),
    (OTHER_VERSION, "Steppenwolf - Born to Be Wild", HITS, [], True,
     "only 'Born To Be Wild - Single Version': the single edit, maybe the version meant"),
    (VERSION, "Steppenwolf - Born to Be Wild (Single Version)", HITS, ["0sQk0J0h"], False, ""),
    (PLAIN, "Don McLean - American Pie", HITS, ["1fDsrQ23"], False, ""),
    (PLAIN, "Iggy Pop - Lust for Life", HITS, ["21YxK0kl"], False, ""),
    (PLAIN, "Muse - Hysteria", [SP_MUSE], ["7xyYsOvq"], False, ""),
    (PLAIN, "Muse - Knights of Cydonia", [SP_MUSE], ["7ouMYWpw"], False, ""),
    (PLAIN, "Muse - Time Is Running Out", [SP_MUSE], ["2takcwOa"], False, ""),
    (OTHER_VERSION, "Muse - Supermassive Black Hole (Live)", [SP_MUSE], [], False, ""),
    (PLAIN, "PARTYNEXTDOOR - Muse", [SP_MUSE], ["41ipOYFG"], False, ""),
    (PLAIN, "Mark Ronson feat. Bruno Mars - Uptown Funk", [SP_UPTOWN], ["4rmPQGwc"], False, ""),
    (PLAIN, "Mark Ronson - Uptown Funk (feat. Bruno Mars)", [SP_UPTOWN], ["4rmPQGwc"], False, ""),
    (PLAIN, "Billy Joel - Uptown Girl", [SP_UPTOWN], ["3CSpzkoL"], False, ""),
    (DUPLICATES, "Pharrell Williams - Happy", [SP_HAPPY, SP_DESPICABLE], ["6NPVjNh8"], False,
     "one track in a search and an album answer"),
    (PLAIN, "Pitbull feat. Ke$ha - Timber", [SP_TIMBER], ["1zHlj4dQ"], False, ""),
    (PLAIN, "Elvis Presley - Can't Help Falling in Love", [SP_ELVIS], ["44AyOl4q"], False, ""),
    (PLAIN, "Billie Holiday - I Gotta Right to Sing the Blues", [SP_HOLIDAY], ["2DDyRNAX"], False,
     "on a '2014 Digital Remaster' album"),
    (ACROSS, "Lady Gaga & Bruno Mars - Die With a Smile", [SP_GAGA, DZ_GAGA], ["2plbrEY5", "2947516331"], False,
     "Spotify and Deezer list it with one ISRC"),
    # --- Deezer ---------------------------------------------------------------------------------------------
    (SPELLING, "Erroll Garner - Soliloquy", [DZ_SOLILOQUY], ["1514405342"], False, "'Soliloquy (Remastered)'"),
    (PLAIN, "Dave Brubeck - Soliloquy", [DZ_SOLILOQUY], ["1495381112"], False, ""),
    (PLAIN, "Isaiah Rashad - Soliloquy", [DZ_SOLILOQUY], ["74791101"], False, ""),
    (PLAIN, "K.A.J. - Hood Soliloquy", [DZ_SOLILOQUY], ["1414443842"], False, ""),
    (SPELLING, "Erroll Garner - Caravan", [DZ_SOLILOQUY], ["1514405352"], False, ""),
    (SPELLING, "Erroll Garner - Avalon (Remastered)", [DZ_SOLILOQUY], ["1514405372"], False, ""),
    (SPELLING, "Erroll Garner - Memories of You - Remastered 2016", [DZ_SOLILOQUY], ["1514405392"], False, ""),
    (SPELLING, "Erroll Garner - (There Is) No Greater Love", [DZ_SOLILOQUY], ["1514405362"], False, ""),
    (SPELLING, "Erroll Garner - I Surrender Dear", [DZ_SOLILOQUY], ["1514405312"], False, ""),
    (OTHER_VERSION, "Erroll Garner - Caravan (Live)", [DZ_SOLILOQUY], [], False, ""),
    (OTHER_VERSION, "Erroll Garner - If I Had You (Alternate Take)", [DZ_SOLILOQUY], [], True,
     "an alternate take is another recording; 'take' is no version keyword", "if i had you"),
    (DUPLICATES, "Lou Doillon - It's You", [DZ_LOU], ["623719302", "616969052"], False, "183 and 184 s"),
    (DUPLICATES, "Lou Doillon - Burn", [DZ_LOU], ["623719312", "598758392"], False, "178 and 178 s"),
    (PLAIN, "Lou Doillon - Soliloquy", [DZ_LOU], ["623719342"], False, ""),
    (DUPLICATES, "Lou Doillon - Lay Low", [DZ_LOU_ALBUM], ["570553022", "109213580"], False,
     "the album's two releases list it alike"),
    (DUPLICATES, "Lou Doillon - Where to Start", [DZ_LOU_ALBUM], ["109213576", "570553002"], False, ""),
    (DUPLICATES, "Lou Doillon - Weekender Baby", [DZ_LOU_ALBUM], ["109213582", "570553032"], False, ""),
    (VERSION, "Daft Punk - Get Lucky (Radio Edit)", [DZ_DAFT_TOP], ["66609426"], False,
     "'Get Lucky (Radio Edit - feat. Pharrell Williams and Nile Rodgers)'"),
    (PLAIN, "Daft Punk - Get Lucky", [DZ_DAFT_TOP], ["67238735"], False, "the album version, 367 s"),
    (PLAIN, "Daft Punk feat. Pharrell Williams & Nile Rodgers - Get Lucky", [DZ_DAFT_TOP], ["67238735"], False, ""),
    (PLAIN, "Daft Punk feat. Julian Casablancas - Instant Crush", [DZ_DAFT_TOP], ["67238732"], False, ""),
    (DUPLICATES, "Daft Punk - One More Time", [DZ_DAFT_TOP, DZ_DISCOVERY], ["3135553"], False, ""),
    (OTHER_VERSION, "Daft Punk - One More Time (Radio Edit)", [DZ_DAFT_TOP, DZ_DISCOVERY], [], False, ""),
    (PLAIN, "Daft Punk - Around the World", [DZ_DAFT_TOP], ["3129775"], False, ""),
    (DUPLICATES, "Daft Punk - Harder, Better, Faster, Stronger", [DZ_DISCOVERY, DZ_HBFS], ["3135556"], False, ""),
    (PLAIN, "Daft Punk - Digital Love", [DZ_DISCOVERY], ["3135555"], False, ""),
    (PLAIN, "Daft Punk - Veridis Quo", [DZ_DISCOVERY], ["3135563"], False, ""),
    (PLAIN, "Daft Punk - Something About Us", [DZ_DISCOVERY], ["3135561"], False, ""),
    (OTHER_VERSION, "Daft Punk - Something About Us (Love Theme from Interstella 5555)", [DZ_DISCOVERY], [], True,
     "the film's version; the subtitle is no version keyword", "something about us"),
    # --- iTunes ------------------------------------------------------------------------------------------------
    (PLAIN, "Queen - Bohemian Rhapsody", [IT_OPERA], ["1441458081"], True,
     "1441458100 is 'No Flames Original Version / 1975' by its censored name, 4 s longer"),
    (VERSION, "Queen - Bohemian Rhapsody (Operatic Section A Cappella Mix)", [IT_OPERA], ["1441458085"], False, ""),
    (PLAIN, "Queen - Love of My Life", [IT_OPERA], ["1441458079"], False,
     "1441458098 is live in Argentina; 1441458162 live at Milton Keynes (said only by its censored name)"),
    (SEVERAL, "Queen - Love of My Life (Live)", [IT_OPERA], [], True, "two concerts, 1979 and 1982"),
    (VERSION, "Queen - Love of My Life (Live at Milton Keynes Bowl)", [IT_OPERA], ["1441458162"], False,
     "its trackName says nothing: the censored name says live at Milton Keynes Bowl"),
    (PLAIN, "Queen - '39", [IT_OPERA], ["1441458055"], False, "the live one says Earl's Court"),
    (VERSION, "Queen - '39 (Live at Earl's Court)", [IT_OPERA], ["1441458097"], False, ""),
    (PLAIN, "Queen - Seaside Rendezvous", [IT_OPERA], ["1441458067"], True,
     "1441458161 is the 30th anniversary version (its censored name), 4.6 s shorter"),
    (PLAIN, "Queen - You're My Best Friend", [IT_OPERA], ["1441458052"], False, "beside a backing track mix"),
    (VERSION, "Queen - You're My Best Friend (Backing Track Mix)", [IT_OPERA], ["1441458086"], False, ""),
    (PLAIN, "Queen - I'm in Love with My Car", [IT_OPERA], ["1441458051"], False, ""),
    (VERSION, "Queen - I'm in Love with My Car (Guitar & Vocal Mix)", [IT_OPERA], ["1441458088"], False, ""),
    (OTHER_VERSION, "Queen - Keep Yourself Alive", [IT_OPERA], [], False, "only the 'Long-Lost Retake'"),
    (PLAIN, "Queen - Death on Two Legs", [IT_OPERA], ["1441458049"], False,
     "'Death On Two Legs (Dedicated To...)': the subtitle is part of the title"),
    (PLAIN, "Queen - Lazing on a Sunday Afternoon", [IT_OPERA], ["1441458050"], False, ""),
    (PLAIN, "Queen - The Prophet's Song", [IT_OPERA], ["1441458071"], False, ""),
    (PLAIN, "Queen - Good Company", [IT_OPERA], ["1441458080"], False, ""),
    (PLAIN, "Queen - God Save the Queen", [IT_OPERA], ["1441458082"], False, ""),
    (PLAIN, "Dreamcatcher - You and I", [IT_DREAM], ["1728639281"], False, "beside its instrumental"),
    (VERSION, "Dreamcatcher - You and I (Instrumental)", [IT_DREAM], ["1728639286"], False, ""),
    (PLAIN, "Dreamcatcher - Scar", [IT_DREAM], ["1728639285"], False, ""),
    (PLAIN, "Dreamcatcher - Inside-Outside", [IT_DREAM], ["1728639279"], True,
     "'INSIDE-OUTSIDE (Intro)': the intro is the track itself", "inside outside"),
    (OTHER_VERSION, "Olive - You're Not Alone", [IT_90S], [], False, "only the radio edit"),
    (VERSION, "Olive - You're Not Alone (Radio Edit)", [IT_90S], ["255636680"], False, ""),
    (OTHER_VERSION, "Felix - Don't You Want Me", [IT_90S], [], False, "only the 'Hooj Mix Edit'"),
    (VERSION, "Felix - Don't You Want Me (Hooj Mix Edit)", [IT_90S], ["255638416"], False, ""),
    (OTHER_VERSION, "Republica - Ready to Go", [IT_90S], [], False, "only the radio edit"),
    (PLAIN, "Robert Miles - Children", [IT_90S], ["255638409"], False, ""),
    (OTHER_VERSION, "Robert Miles - Children (Dream Version)", [IT_90S], [], False, ""),
    (PLAIN, "Another Level - Freak Me", [IT_90S], ["255636631"], False, ""),
    (PLAIN, "N-Joi - Anthem", [IT_90S], ["255638716"], False, ""),
    (OTHER_VERSION, "Alison Limerick - Where Love Lives", [IT_90S], [], False,
     "only the 'Dancing Divaz '96 Radio Edit'"),
    (PLAIN, "Los Del Rio - Macarena", [IT_90S], ["255639186"], False, "Río with an accent there"),
    (OTHER_VERSION, "Los Del Rio - Macarena (Bayside Boys Remix)", [IT_90S], [], False, ""),
    (OTHER_VERSION, "Betty Boo - Where Are You Baby?", [IT_90S], [], True,
     "only the 7\" version: maybe the version meant, a person decides"),
    (VERSION, "Betty Boo - Where Are You Baby? (7\" Version)", [IT_90S], ["255639207"], False, ""),
    (OTHER_VERSION, "Michelle Gayle - Happy Just to Be with You", [IT_90S], [], False, "only the Nigel Lowis Mix"),
    (VERSION, "Michelle Gayle - Happy Just to Be with You (Nigel Lowis Mix)", [IT_90S], ["255639211"], False, ""),
    (PLAIN, "Az Yet feat. Peter Cetera - Hard to Say I'm Sorry", [IT_90S], ["255639234"], False, ""),
    (OTHER_VERSION, "The Tony Rich Project - Nobody Knows", [IT_90S], [], False, "only the radio edit"),
    (PLAIN, "Curtis Stigers - You're All That Matters to Me", [IT_90S], ["255639286"], False, ""),
    (PLAIN, "Robson & Jerome - Unchained Melody", [IT_90S], ["255639380"], False, ""),
    (PLAIN, "Perez Prado - Guaglione", [IT_90S], ["255639194"], False, "credited Pérez Prado and His Orchestra"),
    # --- Beatport: the mix name apart -----------------------------------------------------------------------
    (SPELLING, "Newtone - Feeling", [BP_FEELING], ["20722554"], False, "mix name 'Original Mix'"),
    (SPELLING, "Newtone - Feeling (Original Mix)", [BP_FEELING], ["20722554"], False, ""),
    (OTHER_VERSION, "Newtone - Feeling (Extended Mix)", [BP_FEELING], [], False, ""),
    (PLAIN, "4LV feat. Newtone - Feeling Good", [BP_FEELING], ["8476663"], False, ""),
    # --- Discogs: releases stand in for tracks ---------------------------------------------------------------
    (SEVERAL, "Trash80 - Icarus", [DG_TRASH80], ["1743771", "1346442"], True,
     "two releases of Icarus, 2008; a Discogs hit is a release, not a recording"),
    (PLAIN, "Trash80 - Hologram", [DG_TRASH80], ["480740"], False, "a release of that name"),
]


def _tokens(text: str) -> list[str]:
    from matching import normalize_text

    return normalize_text(text).split()


def _holds(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return bool(size) and any(haystack[start : start + size] == needle for start in range(len(haystack) - size + 1))


def pick(text: str, sources: list[tuple], search: str, corpus: Path, limit: int) -> list[dict[str, str]]:
    """Return the candidates the stated rule picks for one line."""
    parsed, _ = bench.query_for(text)
    needle = _tokens(search or parsed.title)
    artists = [_tokens(name) for name in parsed.artists]
    picked: dict[str, list[dict[str, str]]] = {}
    for provider, file, by_title_only in sources:
        mapped = [(key, bench.mapper(provider)(item)) for key, item in bench.recorded(provider, file, corpus)]
        for key, found in mapped:
            if len(picked.setdefault(provider, [])) >= limit:
                break
            if any(ref["id"] == key for ref in picked[provider]):
                continue
            words = _tokens(f"{found.title} {found.version}")
            if not _holds(words, needle):
                continue
            credit = _tokens(" ".join(found.artists))
            if by_title_only and not any(_holds(credit, name) for name in artists):
                continue
            picked[provider].append({"provider": provider, "file": file, "id": key})
    return [ref for refs in picked.values() for ref in refs]


def build(corpus: Path) -> dict:
    from library.identification import SEARCH_LIMIT

    lines = []
    for spec in SPECS:
        category, text, sources, right, ambiguous, note, *rest = spec
        search = rest[0] if rest else ""
        candidates = pick(text, sources, search, corpus, SEARCH_LIMIT)
        # A right id need not be among the candidates picked (the search limit may leave it out); it must be in
        # the recorded answers the line draws on, and name one hit there.
        known = {(provider, key) for provider, file, _ in sources for key, _ in bench.recorded(provider, file, corpus)}
        resolved = []
        for prefix in right:
            matches = sorted({f"{provider}:{key}" for provider, key in known if key.startswith(prefix)})
            if len(matches) != 1:
                raise SystemExit(f"{text!r}: right id {prefix!r} names {len(matches)} recorded hits")
            resolved.append(matches[0])
        lines.append({
            "line": text, "category": category, "candidates": candidates, "right": resolved,
            "ambiguous": ambiguous, "note": note,
        })
    return {
        "about": "Labelled tracklist lines for bench/identification.py; written by build.py (see README.md).",
        "search_limit": SEARCH_LIMIT,
        "lines": lines,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=bench.DEFAULT_CORPUS)
    args = parser.parse_args()
    from bench.django_env import configure

    with tempfile.TemporaryDirectory(prefix="bench-identification-build-") as workdir:
        configure(workdir)
        data = build(args.corpus.resolve())
    bench.LINES.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(data['lines'])} lines to {bench.LINES}")


if __name__ == "__main__":
    main()
