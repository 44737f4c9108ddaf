"""Benchmark: identification of labelled tracklist lines against real recorded provider answers.

    python bench/identification.py [--corpus ../shared/corpus] [--show wrong|review|nothing|all] [--category NAME]
    python bench/identification.py --json        # the figures as JSON, for a diff between two runs

Each labelled line (bench/data/identification/lines.json, built by build.py beside it; its README says how) is the
text a DJ pastes and the candidates a provider search would return, taken from real recorded answers (the shared
corpus, or bench/data/identification/recorded/). The line goes through the path the app takes in
`library.identification.discoveries_identify`: `library.parsing.parse_text`, the line's TrackDiscovery as
`library.tracklists.tracklist_lines_set` makes it (`_discovery_of`), `query_of`, every recorded item mapped by its
provider's own `map_candidate`, `tracks.metadata.recording_from`, then `matching.decide`.

Each line's label is the set of acceptable external ids (any listing of the right recording), or none ("nothing
there, or several recordings fit alike: must not accept"); `ambiguous` marks a line where a person asking is right
too. The bench prints wrong accepts (with the line and what was accepted), found, reviews and provisional lines,
per category, and the shares against the targets: 0 wrong accepts, at least 90 % found and at most 10 % reviews of
the identifiable lines (those with a right answer that is not ambiguous).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / "data" / "identification"
LINES = DATA / "lines.json"
RECORDED = DATA / "recorded"
DEFAULT_CORPUS = Path(os.environ.get("CRATEDIGGER_CORPUS", ROOT.parent / "shared" / "corpus"))

TARGET_FOUND = 0.90
TARGET_REVIEWS = 0.10

FOUND, WRONG, REVIEW, NOTHING = "found", "wrong accept", "review", "provisional"


# --- recorded answers ----------------------------------------------------------------------------------------


def _path(file: str, corpus: Path) -> Path:
    """Return where a recorded answer lives: "recorded/x.json" beside the data, anything else in the corpus."""
    return DATA / file if file.startswith("recorded/") else corpus / file


def _walk(value: Any, keep) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if keep(value):
            yield value
        for inner in value.values():
            yield from _walk(inner, keep)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner, keep)


def _musicbrainz_items(path: Path) -> list[dict[str, Any]]:
    from musicbrainzngs import mbxml

    with path.open("rb") as body:
        message = mbxml.parse_message(body)
    if "recording-list" in message:
        return list(message["recording-list"])
    return [message["recording"]] if "recording" in message else []


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# How each provider's recorded answer lists its hits, in the order the provider gave them.
_ITEMS = {
    "musicbrainz": _musicbrainz_items,
    "spotify": lambda path: list(_walk(_json(path),
                                       lambda item: item.get("type") == "track" and "name" in item and "id" in item)),
    "deezer": lambda path: list(_walk(_json(path),
                                      lambda item: item.get("type") == "track" and "title" in item and "id" in item)),
    "itunes": lambda path: [item for item in _json(path).get("results", []) if item.get("wrapperType") == "track"],
    "beatport": lambda path: list(_json(path).get("results", [])),
    "discogs": lambda path: [item for item in _json(path).get("results", []) if item.get("type") == "release"],
}
_ID = {
    "musicbrainz": lambda item: item["id"],
    "spotify": lambda item: item["id"],
    "deezer": lambda item: str(item["id"]),
    "itunes": lambda item: str(item["trackId"]),
    "beatport": lambda item: str(item["id"]),
    "discogs": lambda item: str(item["id"]),
}


def mapper(provider: str):
    """Return the provider's own search-hit mapper (the app's path from raw answer to TrackCandidate)."""
    from providers import beatport, deezer, discogs, itunes, musicbrainz, spotify

    modules = {"musicbrainz": musicbrainz, "spotify": spotify, "deezer": deezer, "itunes": itunes,
               "beatport": beatport, "discogs": discogs}  # fmt: skip
    return modules[provider].map_candidate


@cache
def recorded(provider: str, file: str, corpus: Path = DEFAULT_CORPUS) -> tuple[tuple[str, Any], ...]:
    """Return (external id, raw item) for every hit of one recorded answer, in the recorded order, first listing
    of an id only (album answers repeat a track under several keys)."""
    seen, items = set(), []
    for item in _ITEMS[provider](_path(file, corpus)):
        key = _ID[provider](item)
        if key not in seen:
            seen.add(key)
            items.append((key, item))
    return tuple(items)


def candidate(provider: str, file: str, external_id: str, corpus: Path = DEFAULT_CORPUS):
    """Return the TrackCandidate the provider's mapper makes of one recorded hit."""
    for key, item in recorded(provider, file, corpus):
        if key == external_id:
            return mapper(provider)(item)
    raise KeyError(f"{provider}:{external_id} is not in {file}")


# --- one line through the app's path -------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    line: dict[str, Any]
    outcome: str  # FOUND, WRONG, REVIEW or NOTHING
    accepted: str  # "provider:id" of the accepted candidate, if any
    reason: str
    parsed: str  # what the parser read, for a person looking at a failure

    @property
    def identifiable(self) -> bool:
        return bool(self.line["right"]) and not self.line.get("ambiguous", False)


def query_for(text: str):
    """Return (the parsed line, the matching query) the app would build for one pasted line."""
    from library import identification, parsing, tracklists
    from library.models import Tracklist

    parsed = parsing.parse_text(text).lines
    if len(parsed) != 1 or parsed[0].status != parsing.LineStatus.PARSED:
        raise ValueError(f"the parser did not read {text!r} as one track line: {parsed}")
    discovery = tracklists._discovery_of(Tracklist(name="bench"), parsed[0])
    return parsed[0], identification.query_of(discovery)


def identify(line: dict[str, Any], corpus: Path = DEFAULT_CORPUS) -> Result:
    """Run one labelled line through the app's identification path and judge the decision by its label."""
    import matching
    from tracks import metadata

    parsed, query = query_for(line["line"])
    candidates = [candidate(ref["provider"], ref["file"], ref["id"], corpus) for ref in line["candidates"]]
    decision = matching.decide(query, [metadata.recording_from(found) for found in candidates])
    shown = f"artists={list(parsed.artists)} title={parsed.title!r} version={parsed.version!r}"
    if decision.outcome == matching.Outcome.ACCEPT:
        chosen = candidates[decision.index]
        key = f"{chosen.source}:{chosen.external_id}"
        outcome = FOUND if key in line["right"] else WRONG
        return Result(line, outcome, key, decision.reason, shown)
    outcome = REVIEW if decision.outcome == matching.Outcome.REVIEW else NOTHING
    return Result(line, outcome, "", decision.reason, shown)


# --- the report ------------------------------------------------------------------------------------------------


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "    - "


def summary(results: list[Result]) -> dict[str, Any]:
    """Return the figures: counts per outcome overall and per category, and the shares against the targets."""
    identifiable = [result for result in results if result.identifiable]
    per_category: dict[str, Counter] = defaultdict(Counter)
    for result in results:
        per_category[result.line["category"]][result.outcome] += 1
        per_category[result.line["category"]]["lines"] += 1
        if result.identifiable:
            per_category[result.line["category"]]["identifiable"] += 1
    found = sum(result.outcome == FOUND for result in identifiable)
    reviews = sum(result.outcome == REVIEW for result in identifiable)
    wrong = [result for result in results if result.outcome == WRONG]
    return {
        "lines": len(results),
        "identifiable": len(identifiable),
        "wrong_accepts": len(wrong),
        "found": found,
        "found_share": found / len(identifiable) if identifiable else 0.0,
        "reviews": reviews,
        "reviews_share": reviews / len(identifiable) if identifiable else 0.0,
        "provisional": sum(result.outcome == NOTHING for result in identifiable),
        "all_outcomes": dict(Counter(result.outcome for result in results)),
        "per_category": {name: dict(counts) for name, counts in sorted(per_category.items())},
        "met": not wrong and identifiable and found / len(identifiable) >= TARGET_FOUND
        and reviews / len(identifiable) <= TARGET_REVIEWS,
    }


def report(results: list[Result], *, show: str = "wrong") -> str:
    figures = summary(results)
    out = [f"identification bench: {figures['lines']} labelled lines, {figures['identifiable']} identifiable", ""]
    out.append(f"{'category':<22}{'lines':>6}{'ident.':>7}{'wrong':>7}{'found':>7}{'review':>8}{'prov.':>7}")
    for name, counts in figures["per_category"].items():
        out.append(
            f"{name:<22}{counts.get('lines', 0):>6}{counts.get('identifiable', 0):>7}{counts.get(WRONG, 0):>7}"
            f"{counts.get(FOUND, 0):>7}{counts.get(REVIEW, 0):>8}{counts.get(NOTHING, 0):>7}"
        )
    identifiable = figures["identifiable"]
    out += [
        "",
        f"wrong accepts: {figures['wrong_accepts']} (target 0)",
        f"found:         {figures['found']}/{identifiable} = {_share(figures['found'], identifiable)}"
        f" of the identifiable lines (target >= {TARGET_FOUND:.0%})",
        f"reviews:       {figures['reviews']}/{identifiable} = {_share(figures['reviews'], identifiable)}"
        f" of the identifiable lines (target <= {TARGET_REVIEWS:.0%})",
        f"provisional:   {figures['provisional']}/{identifiable} of the identifiable lines",
        f"all lines:     {figures['all_outcomes']}",
        f"targets {'MET' if figures['met'] else 'NOT met'}",
    ]
    wanted = {"wrong": {WRONG}, "review": {WRONG, REVIEW}, "nothing": {WRONG, NOTHING},
              "all": {WRONG, REVIEW, NOTHING, FOUND}}[show]
    listed = [
        result for result in results
        if result.outcome in wanted and (result.outcome == WRONG or result.identifiable or show == "all")
    ]
    if listed:
        out += ["", f"lines ({show}):"]
    for result in listed:
        line = result.line
        out.append(f"  [{result.outcome}] {line['category']}: {line['line']!r}  ({result.parsed})")
        if result.accepted:
            out.append(f"      accepted {result.accepted}; right: {line['right'] or 'nothing'}")
        out.append(f"      decision: {result.reason}")
        if line.get("note"):
            out.append(f"      label: {line['note']}")
    return "\n".join(out)


def load_lines(path: Path = LINES) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["lines"]


def run(corpus: Path = DEFAULT_CORPUS, category: str = "") -> list[Result]:
    lines = [line for line in load_lines() if not category or line["category"] == category]
    return [identify(line, corpus) for line in lines]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the shared corpus of recorded answers")
    parser.add_argument("--show", choices=["wrong", "review", "nothing", "all"], default="review")
    parser.add_argument("--category", default="", help="run only the lines of this category")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    from bench.django_env import configure

    with tempfile.TemporaryDirectory(prefix="bench-identification-") as workdir:
        configure(workdir)
        results = run(args.corpus.resolve(), args.category)
        print(json.dumps(summary(results), indent=2) if args.json else report(results, show=args.show))
        return 0 if summary(results)["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
