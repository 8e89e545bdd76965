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
from stride.office import audit
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


@staff_only()
def day(request: HttpRequest) -> HttpResponse:
    zone = _zone()
    chosen = _chosen_day(request, zone)
    people = visible_practitioners(request)
    wanted = request.GET.get("practitioner", "")
    if wanted:
        people = [p for p in people if p.slug == wanted]
        if not people:
            raise Http404("no such practitioner")
    start, end = _day_bounds(chosen, zone)
    entries = entries_for(people, start, end)
    columns: list[dict[str, Any]] = []
    for person in people:
        mine = [e for e in entries if e.practitioner_id == person.pk]
        columns.append({
            "person": person,
            "entries": [(e, e.start.astimezone(zone), e.end.astimezone(zone)) for e in mine],
            "booked": sum(1 for e in mine if e.kind == "appointment" and e.status != "cancelled"),
        })  # fmt: skip
    audit.record(request, "diary.view_day", f"day:{chosen.isoformat()}")
    return render(request, "office/diary_day.html", page(
        request, "diary", day=chosen, columns=columns, zone=zone.key,
        previous=chosen - dt.timedelta(days=1), following=chosen + dt.timedelta(days=1),
        today=clock.now().astimezone(zone).date(), practitioner=wanted,
        # Same-zone aware datetimes subtract as wall clocks: compare in UTC.
        hours=round((end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds() / 3600),
        now=clock.now(), marks=[("attended", "Attended"), ("no_show", "Did not attend")],
        everyone=visible_practitioners(request),
    ))  # fmt: skip


@staff_only()
def week(request: HttpRequest) -> HttpResponse:
    """Monday to Sunday: a row per day, a column per practitioner."""
    tz = _zone()
    chosen = _chosen_day(request, tz)
    monday = chosen - dt.timedelta(days=chosen.weekday())
    people = visible_practitioners(request)
    start, _ = _day_bounds(monday, tz)
    _, end = _day_bounds(monday + dt.timedelta(days=6), tz)
    entries = entries_for(people, start, end)
    rows = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        cells = []
        for person in people:
            mine = [
                (e, e.start.astimezone(tz))
                for e in entries
                if e.practitioner_id == person.pk and e.start.astimezone(tz).date() == day
            ]
            cells.append(mine)  # fmt: skip
        rows.append((day, cells))
    audit.record(request, "diary.view_week", f"week:{monday.isoformat()}")
    return render(request, "office/diary_week.html", page(
        request, "diary", monday=monday, rows=rows, people=people, zone=tz.key,
        previous=monday - dt.timedelta(days=7), following=monday + dt.timedelta(days=7),
        today=clock.now().astimezone(tz).date(),
    ))  # fmt: skip
