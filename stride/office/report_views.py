"""The reports: weekly figures as charts drawn on the server, each followed by a table of
its figures and a CSV download. Counts only, never a patient's details, so viewing them
writes no audit event. A practitioner sees their own figures; the desk sees everyone's.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe

from stride import clock
from stride.booking import selectors as booking_selectors
from stride.office import charts
from stride.office import reports as selectors
from stride.office.context import page
from stride.office.roles import profile_of, sees_all, staff_only
from stride.site.models import Practitioner

Figure = float | None
Columns = Mapping[str, Sequence[Figure]]


@dataclass(frozen=True)
class Chosen:
    """The weeks and the people whose figures are shown (``ids`` None: everyone)."""

    weeks: selectors.Weeks
    people: list[Practitioner]  # whom this member of staff may choose from
    practitioner: Practitioner | None
    ids: tuple[int, ...] | None
    desk: bool

    def values(self) -> dict[str, str]:
        return {"from": self.weeks.first.isoformat(), "to": self.weeks.last.isoformat(),
                "practitioner": self.practitioner.slug if self.practitioner else ""}  # fmt: skip


def _visible(request: HttpRequest) -> tuple[list[Practitioner], bool]:
    profile = profile_of(request)
    assert profile is not None
    if sees_all(profile):
        return list(Practitioner.objects.order_by("name")), True
    return ([profile.practitioner] if profile.practitioner else []), False


def _day(raw: str, default: dt.date, which: str, errors: dict[str, str]) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        day = dt.date.min
    if not 2000 <= day.year <= 2100:
        word = "first" if which == "from" else "last"
        errors[which] = f"Enter the {word} day as a date between 2000 and 2100, e.g. 2026-03-16."
        return default
    return day


def choose(request: HttpRequest) -> tuple[Chosen | None, dict[str, str], dict[str, str]]:
    """The filter from the query string: the chosen weeks and people, or what is wrong."""
    zone = booking_selectors.clinic_zone()
    default = selectors.weeks_default(today=clock.today(zone.key), zone=zone)
    values = {k: request.GET.get(k, "").strip() for k in ("from", "to", "practitioner")}
    errors: dict[str, str] = {}
    first = _day(values["from"], default.first, "from", errors)
    last = _day(values["to"], default.last, "to", errors)
    if not errors and last < first:
        errors["to"] = "The last day must be on or after the first day."
    weeks = selectors.weeks_covering(first=first, last=last, zone=zone)
    if not errors and weeks.count > selectors.MAX_WEEKS:
        errors["to"] = f"Choose at most {selectors.MAX_WEEKS} weeks (about a year) at a time."
    people, desk = _visible(request)
    chosen = next((p for p in people if p.slug == values["practitioner"]), None)
    if values["practitioner"] and chosen is None:
        errors["practitioner"] = "Choose a practitioner from the list."
    if errors:
        return None, errors, values
    ids = (chosen.pk,) if chosen else (None if desk else tuple(p.pk for p in people))
    return Chosen(weeks, people, chosen, ids, desk), errors, values


class Figures:
    """The numbers behind the reports, each read once and only if a report needs it."""

    def __init__(self, chosen: Chosen) -> None:
        self.chosen, self.weeks, self.ids = chosen, chosen.weeks, chosen.ids
        self.labels = [f"{m.day} {m:%b}" for m in self.weeks.mondays]
        self.days = [f"{m.day} {m:%b %Y}" for m in self.weeks.mondays]

    @cached_property
    def late_cancel_hours(self) -> int:
        return booking_selectors.rules_get().late_cancel_hours

    @cached_property
    def appointments(self) -> selectors.Appointments:
        return selectors.appointments(weeks=self.weeks, practitioner_ids=self.ids,
                                      late_cancel_hours=self.late_cancel_hours)  # fmt: skip

    @cached_property
    def available(self) -> dict[int, list[float]]:
        return selectors.available_minutes(weeks=self.weeks, practitioner_ids=self.ids)

    @cached_property
    def lead(self) -> selectors.LeadTimes:
        return selectors.lead_times(weeks=self.weeks, practitioner_ids=self.ids)

    @cached_property
    def names(self) -> dict[int, str]:
        return dict(Practitioner.objects.values_list("pk", "name"))

    def long(self, series: Mapping[tuple[str, ...], Sequence[Sequence[Any]]]) -> list[list[Any]]:
        """CSV rows, one per week and series (week by week): the week, the series' key, its
        figures that week."""
        mondays = enumerate(self.weeks.mondays)
        return [[monday.isoformat(), *key, *figures[k]]
                for k, monday in mondays for key, figures in series.items()]  # fmt: skip


@dataclass
class Table:
    id: str
    caption: str
    columns: list[str]
    rows: list[tuple[str, list[str | None]]]


@dataclass
class Part:
    heading: str
    chart: SafeString
    table: Table


@dataclass
class Section:
    slug: str
    title: str
    about: str
    parts: list[Part]
    rows: list[list[Any]]  # for the CSV
    note: str = ""


def ratio(part: float, whole: float) -> Figure:
    return 100 * part / whole if whole else None


def shown(value: Figure, unit: str = "") -> str | None:
    return None if value is None else charts.number(value, unit)


def exact(value: Figure) -> str:
    return "" if value is None else f"{value:.1f}"


def _table(f: Figures, slug: str, caption: str, columns: Columns, unit: str = "",
           total: bool = False) -> Table:  # fmt: skip
    """Weeks down, ``columns`` across, and the row's sum last if ``total``."""
    names = ["Week starting", *columns, *(["Total"] if total else [])]
    rows: list[tuple[str, list[str | None]]] = []
    for k, day in enumerate(f.days):
        figures = [values[k] for values in columns.values()]
        extra = [shown(sum(v or 0 for v in figures))] if total else []
        rows.append((day, [shown(v, unit) for v in figures] + extra))
    return Table(f"{slug}-table", caption, names, rows)


def _svg(markup: str) -> SafeString:
    return mark_safe(markup)  # noqa: S308 (charts.py escapes every text it writes)


def _bars(f: Figures, slug: str, title: str, columns: Columns, *, stacked: bool = True,
          unit: str = "", whole: bool = True, total: bool = True) -> Part:  # fmt: skip
    chart = charts.bar_chart(chart_id=f"{slug}-chart", title=title, labels=f.labels,
                             series=[charts.Series(k, v) for k, v in columns.items()],
                             stacked=stacked, unit=unit, whole=whole)  # fmt: skip
    return Part(title, _svg(chart), _table(f, slug, title, columns, unit, total))


def _lines(f: Figures, slug: str, title: str, columns: Columns, table: Table,
           unit: str = "") -> Part:  # fmt: skip
    chart = charts.line_chart(chart_id=f"{slug}-chart", title=title, labels=f.labels, unit=unit,
                              series=[charts.Series(k, v) for k, v in columns.items()])  # fmt: skip
    return Part(title, _svg(chart), table)


def bookings(f: Figures, about: str) -> Section:
    a = f.appointments
    parts = [_bars(f, "bookings-service", "Bookings by service", a.by_service)]
    if len(a.by_practitioner) > 1:
        parts.append(_bars(f, "bookings-practitioner", "Bookings by practitioner",
                           a.by_practitioner))  # fmt: skip
    rows = f.long({key: [[n] for n in counts] for key, counts in a.by_both.items()})
    return Section("bookings", "Bookings per week", about, parts, rows)


def utilisation(f: Figures, about: str) -> Section:
    booked, hours = f.appointments.booked_minutes, f.available
    zero = [0.0] * f.weeks.count
    shown_ids = {pk for pk in {*booked, *hours} if sum(booked.get(pk, zero) + hours.get(pk, zero))}
    ids = sorted(shown_ids, key=lambda pk: f.names.get(pk, ""))
    mine = {pk: list(zip(booked.get(pk, zero), hours.get(pk, zero), strict=True)) for pk in ids}
    per = {f.names.get(pk, "?"): [ratio(b, w) for b, w in pairs] for pk, pairs in mine.items()}
    sums = [(sum(mine[pk][k][0] for pk in ids), sum(mine[pk][k][1] for pk in ids))
            for k in range(f.weeks.count)]  # fmt: skip
    everyone = [ratio(b, w) for b, w in sums]
    part = _bars(f, "utilisation", "Utilisation per week", {"Utilisation": everyone}, unit="%",
                 whole=False, total=False)  # fmt: skip
    part.table = _table(f, "utilisation", part.heading,
                        per if len(per) == 1 else {**per, "All shown": everyone}, "%")  # fmt: skip
    part.table.columns += ["Booked hours", "Working hours"]
    for (_, cells), (b, w) in zip(part.table.rows, sums, strict=True):
        cells += [shown(b / 60), shown(w / 60)]
    rows = f.long({(f.names.get(pk, "?"),): [(round(b), round(w), exact(ratio(b, w)))
                                              for b, w in pairs]
                   for pk, pairs in mine.items()})  # fmt: skip
    return Section("utilisation", "Utilisation", about, [part], rows,
                   note="A dash: no working hours that week.")  # fmt: skip


def attendance(f: Figures, about: str) -> Section:
    a, weeks = f.appointments, range(f.weeks.count)
    seen = [a.attended[k] + a.no_show[k] for k in weeks]
    no_show = [ratio(a.no_show[k], seen[k]) for k in weeks]
    late = [ratio(a.late_cancelled[k], a.everything[k]) for k in weeks]
    title = "No-show and late-cancellation rates per week"
    table = Table("attendance-table", title, [
        "Week starting", "Attended", "Did not attend", "No-show rate", "Appointments",
        "Late cancellations", "Late-cancellation rate"], [
        (day, [str(a.attended[k]), str(a.no_show[k]), shown(no_show[k], "%"),
               str(a.everything[k]), str(a.late_cancelled[k]), shown(late[k], "%")])
        for k, day in enumerate(f.days)])  # fmt: skip
    part = _lines(f, "attendance", title, {"No-show rate": no_show,
                                           "Late-cancellation rate": late}, table, "%")  # fmt: skip
    rows = f.long({
        ("no_show",): [(a.no_show[k], seen[k], exact(no_show[k])) for k in weeks],
        ("late_cancellation",): [(a.late_cancelled[k], a.everything[k], exact(late[k]))
                                 for k in weeks]})  # fmt: skip
    about = about.replace("{hours}", str(f.late_cancel_hours))
    return Section("attendance", "No-shows and late cancellations", about, [part], rows,
                   note="A dash: nothing to count.")  # fmt: skip


def lead_time(f: Figures, about: str) -> Section:
    lead = f.lead
    title = "Lead time in days per week"
    table = Table("lead-time-table", title, ["Week starting", "Appointments", "Median (days)",
                                             "90th percentile (days)"],
                  [(day, [str(lead.count[k]), shown(lead.median[k]), shown(lead.p90[k])])
                   for k, day in enumerate(f.days)])  # fmt: skip
    part = _lines(f, "lead-time", title, {"Median": lead.median, "90th percentile": lead.p90},
                  table)  # fmt: skip
    rows = f.long({(name,): [(exact(v), n) for v, n in zip(values, lead.count, strict=True)]
                   for name, values in (("median", lead.median),
                                        ("90th_percentile", lead.p90))})  # fmt: skip
    n, median, p90 = lead.overall
    note = (f"All {n} appointments: median {shown(median) or 'none'} days, 90th percentile "
            f"{shown(p90) or 'none'} days. A dash: no appointments that week.")  # fmt: skip
    return Section("lead-time", "Lead time", about, [part], rows, note)


def channels(f: Figures, about: str) -> Section:
    counts = f.appointments.by_channel
    part = _bars(f, "channels", "Bookings by channel", counts)
    rows = f.long({(name.lower(),): [[n] for n in values] for name, values in counts.items()})
    return Section("channels", "Online and phone bookings", about, [part], rows)


def funnel(f: Figures, about: str) -> Section:
    steps = selectors.funnel(weeks=f.weeks)
    part = _bars(f, "funnel", "Symptom check per week", steps, stacked=False, total=False)
    rows = f.long({(step.lower(),): [[n] for n in values] for step, values in steps.items()})
    return Section("funnel", "Symptom check", about, [part], rows)


@dataclass(frozen=True)
class Report:
    title: str
    about: str
    build: Callable[[Figures, str], Section]
    header: tuple[str, ...]  # the CSV's
    desk_only: bool = False


REPORTS = {
    "bookings": Report(
        "Bookings per week", "Appointments in each week that were not cancelled (confirmed, "
        "attended or did not attend), by service and by practitioner.", bookings,
        ("week_starting", "service", "practitioner", "bookings")),
    "utilisation": Report(
        "Utilisation", "Booked appointment minutes (confirmed, attended or did not attend) out "
        "of available working minutes: working hours less breaks, time off, clinic closures "
        "and bank holidays, per practitioner per week.", utilisation,
        ("week_starting", "practitioner", "booked_minutes", "available_minutes",
         "utilisation_percent")),
    "attendance": Report(
        "No-shows and late cancellations", "No-show rate: did not attend out of attended plus "
        "did not attend. Late-cancellation rate: appointments cancelled less than {hours} hours "
        "before their start (the clinic's late-cancellation time) out of all appointments, "
        "cancelled ones included.", attendance,
        ("week_starting", "measure", "count", "out_of", "rate_percent")),
    "lead-time": Report(
        "Lead time", "Days from making a booking to the appointment's start, for appointments "
        "not cancelled: the median, and the 90th percentile (nine in ten were booked at most "
        "that far ahead).", lead_time, ("week_starting", "measure", "days", "appointments")),
    "channels": Report(
        "Online and phone bookings", "Appointments not cancelled, by how they were booked: "
        "online by the patient, by phone, or by staff in the back office.", channels,
        ("week_starting", "channel", "bookings")),
    "funnel": Report(
        "Symptom check", "The symptom check's anonymous daily counts added up per week, for "
        "the whole clinic: people who started it, finished it, were shown red-flag advice "
        "(each red flag counts, so a person shown two counts twice) and booked from it.",
        funnel, ("week_starting", "step", "count"), desk_only=True),
}  # fmt: skip


def key_figures(f: Figures) -> list[tuple[str, str | None]]:
    a = f.appointments
    total = sum(sum(v) for v in a.by_service.values())
    booked = sum(sum(v) for v in a.booked_minutes.values())
    return [
        ("Bookings", str(total)),
        ("Utilisation", shown(ratio(booked, sum(sum(v) for v in f.available.values())), "%")),
        ("No-show rate", shown(ratio(sum(a.no_show), sum(a.attended) + sum(a.no_show)), "%")),
        ("Late-cancellation rate", shown(ratio(sum(a.late_cancelled), sum(a.everything)), "%")),
        ("Median lead time", shown(f.lead.overall[1], " days")),
        ("Booked online", shown(ratio(sum(a.by_channel.get("Online", [0])), total), "%")),
    ]


def _page(request: HttpRequest, template: str, slug: str = "") -> HttpResponse:
    chosen, errors, values = choose(request)
    people, desk = (chosen.people, chosen.desk) if chosen else _visible(request)
    context = page(request, "reports", values=values, people=people, desk=desk, slug=slug,
                   report=REPORTS.get(slug), zone=booking_selectors.clinic_zone().key)  # fmt: skip
    if chosen is None:
        return render(request, template, {**context, "errors": errors}, status=400)
    if slug and REPORTS[slug].desk_only and not desk:
        raise PermissionDenied("not for your role")
    figures = Figures(chosen)
    wanted = [slug] if slug else [s for s, r in REPORTS.items() if desk or not r.desk_only]
    sections = [REPORTS[s].build(figures, REPORTS[s].about) for s in wanted]
    return render(request, template, {
        **context, "chosen": chosen, "sections": sections, "values": chosen.values(),
        "query": urlencode(chosen.values()), "key": None if slug else key_figures(figures),
    })  # fmt: skip


@staff_only()
def reports(request: HttpRequest) -> HttpResponse:
    return _page(request, "office/reports.html")


@staff_only()
def report(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in REPORTS:
        raise Http404("no such report")
    return _page(request, "office/report.html", slug)


@staff_only()
def report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """One row per week and series, UTF-8, as a download."""
    if slug not in REPORTS:
        raise Http404("no such report")
    chosen, errors, _ = choose(request)
    if chosen is None:
        return HttpResponse("\n".join(errors.values()) + "\n", status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    if REPORTS[slug].desk_only and not chosen.desk:
        raise PermissionDenied("not for your role")
    section = REPORTS[slug].build(Figures(chosen), REPORTS[slug].about)
    who = f"-{chosen.practitioner.slug}" if chosen.practitioner else ""
    name = f"stride-{slug}-{chosen.weeks.first}-to-{chosen.weeks.last}{who}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(REPORTS[slug].header)
    writer.writerows([[_inert(cell) for cell in row] for row in section.rows])
    return response


def _inert(cell: Any) -> Any:
    """A name a spreadsheet would take for a formula stays text."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell
