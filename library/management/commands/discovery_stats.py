"""Print the discovery statistics of a period and the trends of the last 30 days."""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from library import statistics


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"


class Command(BaseCommand):
    help = (
        "Print the discovery statistics of the period containing a day (default today): tracks discovered, "
        "unique artists and labels, tracklists processed, top genres, artists, labels, mixes and DJs, most played; "
        "and the trends of the 30 days up to that day. See library/statistics.py for what each figure counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", default="weekly", help="daily, weekly (the default), monthly or all-time.")
        parser.add_argument("--date", default="", help="A day in the period, YYYY-MM-DD (default today).")
        parser.add_argument("--json", action="store_true",
                            help='Print only a JSON object, {"statistics": {...}, "trends": {...}}, '
                            'to standard output.')
        parser.add_argument("--fresh", action="store_true", help="Compute afresh rather than use the 15-minute cache.")

    def handle(self, *args, period: str, date: str, json: bool, fresh: bool, **options):
        try:
            period = statistics.period_of(period).value
        except ValueError:
            raise CommandError(
                f"--period {period!r} is not a period; choose daily, weekly, monthly or all-time."
            ) from None
        day = self._date(date)
        figures = statistics.statistics_for(period=period, day=day, use_cache=not fresh)
        trends = statistics.trends(today=day, use_cache=not fresh)
        if json:
            self.stdout.write(_json({"statistics": figures, "trends": trends}))
            return
        self._statistics(figures)
        self._trends(trends)

    def _date(self, text: str) -> datetime.date | None:
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text.strip())
        except ValueError:
            raise CommandError(f"--date {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31.") from None

    def _line(self, label: str, value) -> None:
        self.stdout.write(f"  {label:<28} {value:>10,}" if isinstance(value, int) else f"  {label:<28} {value:>10}")

    def _ranking(self, title: str, rows: list, unit: str) -> None:
        self.stdout.write(f"\n{title} ({unit})")
        if not rows:
            self.stdout.write("  none")
        for place, row in enumerate(rows, start=1):
            self.stdout.write(f"  {place:>2}. {_cut(row[0]):<50} {row[-1]:>8,}")

    def _statistics(self, figures: dict) -> None:
        name = figures["period"].replace("_", "-")
        self.stdout.write(self.style.MIGRATE_HEADING(
            f"Discovery statistics, {name}: {figures['period_start']} to {figures['period_end']}"
        ))
        for label, key in (("Sightings", "sightings"), ("Tracks discovered", "tracks_discovered"),
                           ("Unique artists", "unique_artists"), ("Unique labels", "unique_labels"),
                           ("Tracklists processed", "tracklists_processed")):
            self._line(label, figures[key])
        self._ranking("Top genres", figures["top_genres"], "tracks")
        self._ranking("Top artists", figures["top_artists"], "tracks")
        self._ranking("Top labels", figures["top_labels"], "tracks")
        self._ranking("Top mixes", figures["sources"]["mixes"], "tracks")
        self._ranking("Top DJs", figures["sources"]["djs"], "tracks")
        self._ranking("Most played", figures["most_played"], "mixes")

    def _trends(self, trends: dict) -> None:
        start, end = trends["window"]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(
            f"Trends: the {trends['days']} days from {start} to {end}, against the {trends['days']} before"
        ))
        for title, rows in (("Trending artists", trends["trending_artists"]),
                            ("Trending genres", trends["trending_genres"])):
            self.stdout.write(f"\n{title} (sightings now, before)")
            if not rows:
                self.stdout.write("  none rising")
            for place, (name, now, before) in enumerate(rows, start=1):
                self.stdout.write(f"  {place:>2}. {_cut(name):<50} {now:>8,} {before:>8,}")
        self.stdout.write("\nDiscovery rate (sightings per week)")
        for monday, count in trends["discovery_rate"]:
            self.stdout.write(f"  week of {monday}  {count:>8,}")
        success = trends["success"]
        self.stdout.write(f"\nIdentification success: {success['identified']:,} of {success['lines']:,} lines decided "
                          f"identified ({_percent(success['rate'])})")
        for row in success["by_provider"]:
            self.stdout.write(f"  {row['label']:<28} consulted {row['consulted']:>8,}  identified "
                              f"{row['identified']:>8,}  {_percent(row['rate']):>6}")
        for row in success["by_source"]:
            dj = row["dj"] or "(no DJ)"
            self.stdout.write(f"  DJ {_cut(dj, 25):<25} lines {row['lines']:>12,}  identified "
                              f"{row['identified']:>8,}  {_percent(row['rate']):>6}")
        want = trends["wantlist"]
        self.stdout.write(
            f"\nWant-list conversion: {want['added']:,} added, {want['purchased']:,} purchased now "
            f"({_percent(want['rate'])}), {want['wanted']:,} still wanted, {want['unavailable']:,} unavailable; "
            f"{want['purchased_in_window']:,} purchased in these days"
        )


def _cut(text: str, width: int = 50) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
