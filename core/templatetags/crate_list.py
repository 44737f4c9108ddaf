"""The admin's lists and live pages.

The crate lists' rows, drawn lean: the theme writes some 600 bytes of utility classes on every cell of every row
(three quarters of a 100-row track list's 790 KB) and works out the headers again for each row. These rows carry
one short class a cell, styled once in core/static/core/cratedigger.css; the headers stay the theme's, drawn once.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.admin.templatetags.admin_list import result_hidden_fields, results
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.utils.html import escape
from django.utils.safestring import mark_safe
from unfold.templatetags.unfold_list import result_headers

register = template.Library()


def _labelled(cell: str, label: str) -> str:
    """Return a cell with its column's name in data-label, which the compact cards below 1024 px show."""
    for tag in ("<td", "<th"):
        if cell.startswith(tag):
            return mark_safe(f'{tag} data-label="{escape(label)}"{cell[len(tag):]}')
    return cell


def crate_result_list(context: dict[str, Any], cl) -> dict[str, Any]:
    """Return the headers (once) and each row's cells, each with its column's name."""
    headers = list(result_headers(cl))
    # The select-all column's header is a checkbox, not a name.
    labels = ["" if str(header["text"]).lstrip().startswith("<") else str(header["text"]) for header in headers]
    rows = [[_labelled(str(cell), label) for cell, label in zip(row, labels, strict=False)] for row in results(cl)]
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": rows,
        "actions_row": context.get("actions_row"),
    }


@register.tag(name="crate_result_list")
def crate_result_list_tag(parser, token):
    return InclusionAdminNode(parser, token, func=crate_result_list, template_name="crate_change_list_results.html")


@register.filter
def live_key(payload: dict, fields: str) -> str:
    """Return the progress fields a live page watches, joined as core/job_progress.js joins them."""

    def part(value) -> str:
        if value is True or value is False:
            return "1" if value else "0"
        return "" if value is None else str(value)

    return "|".join(part(payload.get(field)) for field in fields.split())
