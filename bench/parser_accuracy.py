"""Benchmark: how many real tracklist lines library.parsing reads as a person would.

    python bench/parser_accuracy.py [--module PATH] [--data PATH] [--skip FIELD ...] [--quiet]

Reads bench/data/parser/cases.jsonl: blocks of real lines (MixesDB, 1001Tracklists, Discogs and Bandcamp track names,
pasted lists from other projects; bench/data/parser/SOURCES.md says where each comes from), each with what a person
reads in it. Each block is parsed as one pasted text by parse_text, so a line is read in the company it came in.
An item is read as expected when every field the data gives matches: a track line's position, side, status,
artist credit, title, version, remixers, label and catalogue number; a line that is no track (the mix's title, a
heading, a credit, a link) not read as a track; a block's name, DJ, date and link. Prints the share overall and per
style, then every miss with the fields that differ.

--module reads with another copy of the parser, to compare: a copy of the library/parsing folder (for example the
previous commit's, from `git archive HEAD~1 library/parsing | tar -x -C /tmp/before`), or of the single module
library/parsing.py that it was before it became a package;
--skip leaves fields unchecked (--skip position: what a line says, wherever it lands).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / "data" / "parser" / "cases.jsonl"
BLOCK_FIELDS = ("name", "dj", "date", "source_url")


def load_parser(path: str | None):
    """Return library.parsing, or the copy of it at path when given: a folder (the package) or a single module."""
    if path is None:
        from library import parsing

        return parsing
    if Path(path).is_dir():
        # The package's modules import each other relatively, so the copy reads with its own modules.
        spec = importlib.util.spec_from_file_location(
            "parsing_under_test", Path(path) / "__init__.py", submodule_search_locations=[str(path)]
        )
    else:
        spec = importlib.util.spec_from_file_location("parsing_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def load_blocks(path: Path) -> list[dict]:
    """Return the blocks of the data file, each with its rows."""
    blocks: list[dict] = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        row = json.loads(text)
        if "block" in row:
            blocks.append({**row, "rows": []})
        elif not blocks:
            raise SystemExit(f"{path}:{number}: a line comes before the first block")
        else:
            blocks[-1]["rows"].append(row)
    return blocks


def visible(text: str) -> str:
    """Return text without whitespace or invisible characters, to match a line with what the parser kept of it."""
    return "".join(char for char in text if char.isprintable() and not char.isspace())


def aligned(rows: list[dict], lines) -> list[tuple[dict, list]]:
    """Pair each source row with the parsed lines made of it (none for a line read as no track), in order."""
    pairs, index = [], 0
    for row in rows:
        seen, joined, end = visible(row["text"]), "", index
        while end < len(lines) and joined != seen:
            piece = visible(lines[end].raw)
            if not piece or not seen.startswith(joined + piece):
                break
            joined += piece
            end += 1
        if joined == seen and end > index:
            pairs.append((row, list(lines[index:end])))
            index = end
        else:
            pairs.append((row, []))
    return pairs


def differences(expected: dict, line, skipped: frozenset[str] = frozenset()) -> list[str]:
    """Return "field: expected x, got y" for each field the data gives that the line does not match."""
    found = []
    for field, wanted in expected.items():
        if field in skipped:
            continue
        got = getattr(line, field, "")
        if field == "remixers":
            got = list(got)
        if got != wanted:
            found.append(f"{field}: expected {wanted!r}, got {got!r}")
    return found


def measure(
    parsing, blocks: list[dict], skipped: frozenset[str] = frozenset()
) -> tuple[dict[str, list[int]], list[tuple[str, str, list[str]]]]:
    """Return the [read as expected, items] count per style and the misses."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[tuple[str, str, list[str]]] = []

    def count(style: str, where: str, text: str, problems: list[str]) -> None:
        counts[style][1] += 1
        if problems:
            misses.append((where, text, problems))
        else:
            counts[style][0] += 1

    for block in blocks:
        tracklist = parsing.parse_text("\n".join(row["text"] for row in block["rows"]))
        for row, lines in aligned(block["rows"], tracklist.lines):
            style = row.get("style", block["style"])
            if row["expect"] == "header":
                count(style, block["block"], row["text"], [f"read as a track: {lines[0]}"] if lines else [])
                continue
            if not lines:
                count(style, block["block"], row["text"], ["read as no track (a heading or the mix's title)"])
                continue
            if len(lines) != len(row["expect"]):
                count(style, block["block"], row["text"], [f"read as {len(lines)} tracks, not {len(row['expect'])}"])
                continue
            count(style, block["block"], row["text"],
                  [problem for wanted, line in zip(row["expect"], lines, strict=True)
                   for problem in differences(wanted, line, skipped)])  # fmt: skip
        for field in BLOCK_FIELDS:
            if field in block.get("expect", {}) and field not in skipped:
                wanted = block["expect"][field]
                got = getattr(tracklist, field, None)
                got = got.isoformat() if hasattr(got, "isoformat") else (got or "")
                problems = [] if got == wanted else [f"{field}: expected {wanted!r}, got {got!r}"]
                count("heading", block["block"], f"(the mix's {field})", problems)
    return counts, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--module", help="a copy of library/parsing (or the old library/parsing.py) to measure instead")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--skip", nargs="*", default=[], help="fields to leave unchecked, such as position")
    parser.add_argument("--quiet", action="store_true", help="print the shares, not the misses")
    args = parser.parse_args()

    parsing = load_parser(args.module)
    blocks = load_blocks(args.data)
    counts, misses = measure(parsing, blocks, frozenset(args.skip))
    right, total = sum(good for good, _ in counts.values()), sum(items for _, items in counts.values())
    print(f"parser accuracy ({args.module or 'library/parsing'}): {right}/{total} items read as expected "
          f"({right / total:.1%}) in {len(blocks)} blocks"
          + (f", not checking {', '.join(args.skip)}" if args.skip else ""))  # fmt: skip
    for style, (good, items) in sorted(counts.items()):
        print(f"  {style:<18} {good:>4}/{items:<4} {good / items:6.1%}")
    if misses and not args.quiet:
        print(f"\nmisses ({len(misses)}):")
        for where, text, problems in misses:
            print(f"  [{where}] {text}")
            for problem in problems:
                print(f"      {problem}")


if __name__ == "__main__":
    main()
