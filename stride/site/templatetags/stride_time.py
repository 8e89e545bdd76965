"""``{{ start|nhs_time }}``: one way to write a time on every patient-facing page and
email (``10am``, ``2:30pm``, ``midday``), from ``stride.core.hours.format_time``. A
built-in (settings.TEMPLATES), so no template needs to load it. The back office keeps
the 24-hour clock."""

from __future__ import annotations

import datetime as dt

from django import template

from stride.core.hours import format_time

register = template.Library()


@register.filter
def nhs_time(value: dt.datetime | dt.time | None) -> str:
    """The wall time as it stands (make it local first: ``start`` in views is local)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.time()
    return format_time(value)
