"""The diary: a day (and a week) per practitioner or for the whole clinic, in the
clinic's zone, correct on clock-change days (a day is local midnight to local midnight)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from stride import clock
from stride.booking.models import DiaryEntry
from stride.office import audit, diary_grid, entry_actions, grid_html
from stride.office.context import page
from stride.office.roles import profile_of, sees_all, staff_only
from stride.site import selectors as site_selectors
from stride.site.models import Practitioner


def _zone() -> ZoneInfo:
    return ZoneInfo(site_selectors.clinic_get().time_zone)


zone = _zone  # for the other back-office views


def _day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
    return start, end


def visible_practitioners(request: HttpRequest) -> list[Practitioner]:
    profile = profile_of(request)
    assert profile is not None
    people = Practitioner.objects.filter(is_active=True).order_by("name")
    if sees_all(profile):
        return list(people)
    return [p for p in people if p.pk == profile.practitioner_id]


def _chosen_day(request: HttpRequest, zone: ZoneInfo) -> dt.date:
    raw = request.GET.get("day", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else clock.now().astimezone(zone).date()
    except ValueError as error:
        raise Http404("no such day") from error
    if not 2000 <= day.year <= 2100:
        raise Http404("no such day")
    return day


def entries_for(people: list[Practitioner], start: dt.datetime,
                end: dt.datetime) -> list[DiaryEntry]:  # fmt: skip
    return list(
        DiaryEntry.objects.filter(practitioner__in=people, start__lt=end, end__gt=start)
        .exclude(kind=DiaryEntry.Kind.HOLD, status=DiaryEntry.Status.CANCELLED)
        .select_related("service", "practitioner", "details")
        .order_by("start", "practitioner__name")
    )


QUICK = ("arrived", "attended", "no_show")  # the grid's own buttons; the entry page has all


def _quick(grid: diary_grid.Grid, now: dt.datetime, zone: ZoneInfo) -> list[Any]:
    """Give each appointment on the grid its buttons (``entry.quick``); the appointments
    with a shared symptom check summary, with their local start, in time order."""
    shared: list[Any] = []
    for row in grid.rows:
        for _column, cell, _href in row.cells:
            for entry, _start, _end in cell.entries:
                open_now = entry_actions.for_entry(entry, now=now, zone=zone,
                                                   check_reinstate=False)  # fmt: skip
                entry.quick = [a for a in open_now if a.name in QUICK]
                details = getattr(entry, "details", None)
                if details and (details.assessment_summary or details.assessment_record):
                    shared.append((entry, _start))
    return sorted(shared, key=lambda pair: pair[1])


def _template(request: HttpRequest, view: str) -> str:
    """The whole page, or just the diary when htmx swaps another day or week in."""
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == "diary":
        return f"office/_diary_{view}.html"
    return f"office/diary_{view}.html"


@staff_only()
def day(request: HttpRequest) -> HttpResponse:
    """The day as a time grid: a column per practitioner, a row per slot step."""
    zone = _zone()
    chosen = _chosen_day(request, zone)
    people = visible_practitioners(request)
    wanted = request.GET.get("practitioner", "")
    if wanted:
        people = [p for p in people if p.slug == wanted]
        if not people:
            raise Http404("no such practitioner")
    start, end = _day_bounds(chosen, zone)
    now = clock.now()
    shown = diary_grid.day_grid(day=chosen, people=people, zone=zone, now=now)
    shared = _quick(shown, now, zone)
    audit.record(request, "diary.view_day", f"day:{chosen.isoformat()}")
    return render(request, _template(request, "day"), page(
        request, "diary", day=chosen, grid=shown, grid_body=grid_html.body(shown, request=request),
        zone=zone.key, day_title=f"{chosen:%A %-d %B %Y}",
        previous=chosen - dt.timedelta(days=1), following=chosen + dt.timedelta(days=1),
        today=now.astimezone(zone).date(), practitioner=wanted,
        # Same-zone aware datetimes subtract as wall clocks: compare in UTC.
        hours=round((end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds() / 3600),
        now=now, everyone=visible_practitioners(request), shared=shared,
    ))  # fmt: skip


@staff_only()
def week(request: HttpRequest) -> HttpResponse:
    """Monday to Sunday for one practitioner (``practitioner``; else the first the member
    of staff may see, with a choice of the others): a column per day, a row per slot step."""
    tz = _zone()
    chosen = _chosen_day(request, tz)
    monday = chosen - dt.timedelta(days=chosen.weekday())
    everyone = visible_practitioners(request)
    wanted = request.GET.get("practitioner", "")
    people = [p for p in everyone if p.slug == wanted] if wanted else everyone[:1]
    if not people:
        raise Http404("no such practitioner")
    wanted = people[0].slug
    now = clock.now()
    shown = diary_grid.week_grid(monday=monday, person=people[0], zone=tz, now=now)
    _quick(shown, now, tz)
    audit.record(request, "diary.view_week", f"week:{monday.isoformat()}")
    return render(request, _template(request, "week"), page(
        request, "diary", monday=monday, person=people[0], grid=shown, zone=tz.key,
        grid_body=grid_html.body(shown, request=request), practitioner=wanted,
        monday_title=f"{monday:%-d %B %Y}",
        previous=monday - dt.timedelta(days=7), following=monday + dt.timedelta(days=7),
        today=now.astimezone(tz).date(), everyone=everyone, now=now,
    ))  # fmt: skip
