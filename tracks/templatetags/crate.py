"""Template filters for how DJs read a track: lengths as m:ss, shares as percentages."""

from django import template

from common import text

register = template.Library()


@register.filter
def length_text(seconds) -> str:
    """Return seconds as m:ss (431 -> "7:11"); "" for anything that is not a whole number of seconds."""
    try:
        return text.length_text(int(seconds))
    except (TypeError, ValueError):
        return ""


@register.filter
def percent(value) -> str:
    """Return a share from 0 to 1 as a whole percentage (0.5895 -> "59%"); "" for anything that is not a number."""
    try:
        return f"{float(value):.0%}"
    except (TypeError, ValueError):
        return ""
