"""Reads for the reports: weekly figures from the diary, the rota and the symptom check's
daily counts, counted and summed by the database. Nothing here reads a patient's details.

Weeks run Monday to Sunday in the clinic's zone. Their boundaries are worked out here as
instants (local midnight each Monday, right across clock changes) and the database puts
each row in its week with one CASE over those instants: the same answer on SQLite and
PostgreSQL, with no Python function called per row on SQLite (as TruncWeek with a zone
would be). Durations are whole milliseconds worked out by the database (``Elapsed``).
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Aggregate,
    BigIntegerField,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.lookups import LessThan

from stride.assessment.models import UsageCount
from stride.booking import availability
from stride.booking.models import (
    DiaryEntry,
    Service,
)
from stride.core.scheduling.intervals import merge_us, to_us
from stride.core.scheduling.wall import LocalDay, wall_us
from stride.site.models import Practitioner

Status = DiaryEntry.Status
KEPT = (Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW)  # a booking that was not cancelled
MAX_WEEKS = 53
DEFAULT_WEEKS = 12
MS_PER_MINUTE = 60_000
MS_PER_DAY = 86_400_000
FUNNEL = (("started", "Started"), ("finished", "Finished"),
          ("red_flag", "Red-flag advice shown"), ("booked", "Booked"))  # fmt: skip


@dataclass(frozen=True)
class Weeks:
    """``count`` whole weeks from the Monday ``first``, in ``zone``."""

    first: dt.date
    count: int
    zone: ZoneInfo

    @property
    def mondays(self) -> list[dt.date]:
        return [self.first + dt.timedelta(weeks=k) for k in range(self.count)]

    @property
    def last(self) -> dt.date:
        """The last Sunday."""
        return self.first + dt.timedelta(weeks=self.count, days=-1)

    def starts(self) -> list[dt.datetime]:
        """Local midnight each Monday, and the Monday after the last week, as instants."""
        return [dt.datetime.combine(self.first + dt.timedelta(weeks=k), dt.time(), self.zone)
                for k in range(self.count + 1)]  # fmt: skip

    def index(self, moment_field: str) -> Case | Value:
        """The week (0, 1, ...) an aware datetime column falls in; rows must be in range."""
        return _halves(moment_field, self.starts(), 0, self.count)

    def day_index(self, day_field: str) -> Case | Value:
        """The week a date column falls in."""
        return _halves(day_field, self.mondays, 0, self.count)


def _halves(column: str, bounds: Sequence[Any], low: int, high: int) -> Case | Value:
    """Which of weeks ``low`` to ``high - 1`` (week k from ``bounds[k]``) ``column`` is in,
    as CASEs nested by halves: six comparisons a row for a year rather than 26."""
    if high - low == 1:
        return Value(low)
    middle = (low + high) // 2
    earlier = When(**{f"{column}__lt": bounds[middle]}, then=_halves(column, bounds, low, middle))
    later = _halves(column, bounds, middle, high)
    return Case(earlier, default=later, output_field=IntegerField())


def weeks_covering(*, first: dt.date, last: dt.date, zone: ZoneInfo) -> Weeks:
    """The whole weeks, Monday to Sunday, that cover ``first`` to ``last``."""
    monday = first - dt.timedelta(days=first.weekday())
    return Weeks(monday, (last - monday).days // 7 + 1, zone)


def weeks_default(*, today: dt.date, zone: ZoneInfo) -> Weeks:
    """The last ``DEFAULT_WEEKS`` weeks, up to the end of this one."""
    monday = today - dt.timedelta(days=today.weekday())
    return Weeks(monday - dt.timedelta(weeks=DEFAULT_WEEKS - 1), DEFAULT_WEEKS, zone)


class Elapsed(Func):
    """``later - earlier`` in whole milliseconds, worked out by the database."""

    arity = 2
    output_field = BigIntegerField()
    template = "CAST(ROUND(EXTRACT(EPOCH FROM (%(expressions)s)) * 1000) AS BIGINT)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite keeps whole milliseconds inside julianday(): rounding gives them back.
        return self.as_sql(
            compiler, connection, arg_joiner=") - julianday(",
            template="CAST(ROUND((julianday(%(expressions)s)) * 86400000) AS INTEGER)", **extra,
        )  # fmt: skip


class Percentile(Aggregate):
    """PostgreSQL's ``percentile_cont``: the value at ``fraction``, interpolated."""

    function = "PERCENTILE_CONT"
    name = "Percentile"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(ordered: Sequence[float], fraction: float) -> float | None:
    """As ``percentile_cont``: linear between the two nearest of the sorted values."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _appointments(weeks: Weeks, practitioner_ids: Sequence[int] | None) -> QuerySet[DiaryEntry]:
    starts = weeks.starts()
    found = DiaryEntry.objects.filter(
        kind=DiaryEntry.Kind.APPOINTMENT, start__gte=starts[0], start__lt=starts[-1]
    ).order_by()
    return found if practitioner_ids is None else found.filter(practitioner_id__in=practitioner_ids)


@dataclass
class Appointments:
    """Appointments by the week they start in (kept ones: confirmed, attended, no-show)."""

    weeks: Weeks
    by_service: dict[str, list[int]] = field(default_factory=dict)
    by_practitioner: dict[str, list[int]] = field(default_factory=dict)
    by_both: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    by_channel: dict[str, list[int]] = field(default_factory=dict)
    booked_minutes: dict[int, list[float]] = field(default_factory=dict)  # practitioner id
    attended: list[int] = field(default_factory=list)
    no_show: list[int] = field(default_factory=list)
    everything: list[int] = field(default_factory=list)  # every appointment, cancelled too
    late_cancelled: list[int] = field(default_factory=list)


def appointments(*, weeks: Weeks, practitioner_ids: Sequence[int] | None,
                 late_cancel_hours: int) -> Appointments:  # fmt: skip
    """Every count the bookings, utilisation, attendance and channel reports need, in one
    GROUP BY (week, practitioner, service)."""
    kept = Q(status__in=KEPT)
    late = Q(LessThan(Elapsed("start", "cancelled_at"), late_cancel_hours * 3_600_000),
             status=Status.CANCELLED)  # fmt: skip
    channels = dict(DiaryEntry.Channel.choices)
    figures = {
        "kept": Count("id", filter=kept), "booked": Sum(Elapsed("end", "start"), filter=kept),
        "attended": Count("id", filter=Q(status=Status.ATTENDED)),
        "no_show": Count("id", filter=Q(status=Status.NO_SHOW)),
        "everything": Count("id"), "late": Count("id", filter=late),
        **{f"by_{c}": Count("id", filter=kept & Q(channel=c)) for c in channels},
    }  # fmt: skip
    rows = (_appointments(weeks, practitioner_ids).annotate(week=weeks.index("start"))
            .values_list("week", "practitioner_id", "service_id").annotate(**figures))  # fmt: skip
    people = dict(Practitioner.objects.values_list("id", "name"))
    services = dict(Service.objects.values_list("id", "name"))  # in the services' order
    zeros = [0] * weeks.count
    found = Appointments(weeks, attended=list(zeros), no_show=list(zeros),
                         everything=list(zeros), late_cancelled=list(zeros),
                         by_channel={name: list(zeros) for name in channels.values()})  # fmt: skip

    def add(table: dict[Any, list[Any]], key: Any, week: int, value: float) -> None:
        table.setdefault(key, [0] * weeks.count)[week] += value

    for week, pk, service_id, kept_n, booked, attended, no_show, everything, late_n, *by in rows:
        found.attended[week] += attended
        found.no_show[week] += no_show
        found.everything[week] += everything
        found.late_cancelled[week] += late_n
        if not kept_n:
            continue
        person, service = people.get(pk, "Unknown"), services.get(service_id, "No service")
        add(found.by_service, service, week, kept_n)
        add(found.by_practitioner, person, week, kept_n)
        add(found.by_both, (service, person), week, kept_n)
        add(found.booked_minutes, pk, week, (booked or 0) / MS_PER_MINUTE)
        for label, n in zip(channels.values(), by, strict=True):
            found.by_channel[label][week] += n
    order = {name: i for i, name in enumerate(services.values())}
    found.by_service = dict(sorted(found.by_service.items(), key=lambda i: order.get(i[0], -1)))
    found.by_practitioner = dict(sorted(found.by_practitioner.items()))
    found.by_both = dict(sorted(found.by_both.items(),
                                key=lambda i: (order.get(i[0][0], -1), i[0][1])))  # fmt: skip
    return found


@dataclass(frozen=True)
class LeadTimes:
    """Days from booking to appointment (kept appointments), per week and overall."""

    count: list[int]
    median: list[float | None]
    p90: list[float | None]
    overall: tuple[int, float | None, float | None]


def lead_times(*, weeks: Weeks, practitioner_ids: Sequence[int] | None) -> LeadTimes:
    """Median and 90th percentile of ``start - created_at``: PostgreSQL works them out
    itself; SQLite, which has no percentile, sends the durations for Python to sort."""
    found = _appointments(weeks, practitioner_ids).filter(status__in=KEPT)
    lead = Elapsed("start", "created_at")
    count = [0] * weeks.count
    medians: list[float | None] = [None] * weeks.count
    p90s: list[float | None] = [None] * weeks.count
    if connections[found.db].vendor == "postgresql":
        figures = {"n": Count("id"), "m": Percentile(lead, 0.5), "p": Percentile(lead, 0.9)}
        for row in found.annotate(week=weeks.index("start")).values("week").annotate(**figures):
            count[row["week"]] = row["n"]
            medians[row["week"]], p90s[row["week"]] = _days(row["m"]), _days(row["p"])
        whole = found.aggregate(**figures)
        overall = (whole["n"], _days(whole["m"]), _days(whole["p"]))
    else:
        # A plain cursor: for a year of rows Django's per-value conversions (of integers
        # the database already sends as integers) cost more than the query itself.
        query = found.annotate(week=weeks.index("start"), lead=lead).values_list("week", "lead")
        try:
            sql = query.query.sql_with_params()
        except EmptyResultSet:  # nobody's figures (a practitioner account not linked)
            sql = None
        rows = []
        if sql is not None:
            with connections[found.db].cursor() as cursor:
                cursor.execute(*sql)
                rows = cursor.fetchall()
        by_week: dict[int, list[int]] = defaultdict(list)
        for week, ms in rows:
            by_week[week].append(ms)
        for week, values in by_week.items():
            values.sort()
            count[week] = len(values)
            medians[week] = _days(percentile(values, 0.5))
            p90s[week] = _days(percentile(values, 0.9))
        everything = sorted(ms for values in by_week.values() for ms in values)
        overall = (len(everything), _days(percentile(everything, 0.5)),
                   _days(percentile(everything, 0.9)))  # fmt: skip
    return LeadTimes(count, medians, p90s, overall)


def _days(ms: float | None) -> float | None:
    return None if ms is None else ms / MS_PER_DAY


def funnel(*, weeks: Weeks) -> dict[str, list[int]]:
    """The symptom check's weekly sums: started, finished, red-flag advice shown (every
    rule added together), booked; by label, in that order."""
    step = Case(When(metric__startswith="red_flag:", then=Value("red_flag")),
                default=F("metric"), output_field=CharField())  # fmt: skip
    rows = (
        UsageCount.objects.filter(day__gte=weeks.first, day__lte=weeks.last)
        .filter(Q(metric__in=["started", "finished", "booked"]) | Q(metric__startswith="red_flag:"))
        .annotate(week=weeks.day_index("day"), step=step)
        .values("week", "step")
        .annotate(total=Sum("count"))
        .order_by()
    )
    found = {key: [0] * weeks.count for key, _ in FUNNEL}
    for row in rows:
        found[row["step"]][row["week"]] += row["total"]
    return {label: found[key] for key, label in FUNNEL}


def available_minutes(*, weeks: Weeks, practitioner_ids: Sequence[int] | None
                      ) -> dict[int, list[float]]:  # fmt: skip
    """Working minutes per practitioner per week: working periods less breaks, time off,
    clinic closures and the bank holidays the clinic does not open on."""
    starts = weeks.starts()
    lo, hi = starts[0], starts[-1]
    people = Practitioner.objects.all() if practitioner_ids is None else (
        Practitioner.objects.filter(pk__in=practitioner_ids))  # fmt: skip
    ids = list(people.values_list("pk", flat=True))
    rota = availability.read_rota(ids=ids, lo=lo, hi=hi)
    # Per practitioner: working periods and breaks by weekday, time off as instants (µs).
    work: dict[int, list[list[Any]]] = {pk: [[] for _ in range(7)] for pk in ids}
    pauses: dict[int, list[list[Any]]] = {pk: [[] for _ in range(7)] for pk in ids}
    for into, patterns in ((work, rota.periods), (pauses, rota.breaks)):
        for pk, weekly in patterns.items():
            for p in weekly:
                into[pk][p.weekday].append(
                    (wall_us(p.start), wall_us(p.end), p.valid_from, p.valid_until)
                )
    closures = [(to_us(a), to_us(b)) for a, b in rota.closures]
    off = {pk: [(to_us(a), to_us(b)) for a, b in rota.time_off.get(pk, ())] for pk in ids}
    closed = rota.closed_days(weeks.first, weeks.last)
    days = [LocalDay(weeks.first + dt.timedelta(days=i), weeks.zone)
            for i in range(weeks.count * 7)]  # fmt: skip
    found: dict[int, list[float]] = {}
    for pk in ids:
        if not any(work[pk]):
            continue
        off_starts, off_ends = merge_us(off[pk] + closures)
        minutes = [0.0] * weeks.count
        for i, day in enumerate(days):
            if day.day in closed:
                continue
            periods = _walls(work[pk][i % 7], day)  # weeks start on Mondays: i % 7 is weekday
            if periods:
                cuts = _walls(pauses[pk][i % 7], day) + _near(off_starts, off_ends, periods)
                minutes[i // 7] += _left_us(periods, cuts) / 60_000_000
        found[pk] = minutes
    return found


def _walls(patterns: Sequence[Any], day: LocalDay) -> list[tuple[int, int]]:
    """Those of a weekday's (start, end, valid from, valid until) that apply on ``day``, as
    instants (µs), clock changes included."""
    return [(day.boundary(start), day.boundary(end)) for start, end, valid_from, valid_until
            in patterns if (valid_from is None or valid_from <= day.day)
            and (valid_until is None or day.day <= valid_until)]  # fmt: skip


def _near(starts: list[int], ends: list[int], span: list[tuple[int, int]]) -> list[tuple[int, int]]:
    lo, hi = min(a for a, _ in span), max(b for _, b in span)
    i = bisect_right(ends, lo)
    found = []
    while i < len(starts) and starts[i] < hi:
        found.append((starts[i], ends[i]))
        i += 1
    return found


def _left_us(work: list[tuple[int, int]], cuts: list[tuple[int, int]]) -> int:
    """How long the union of ``work`` lasts once the union of ``cuts`` is taken out."""
    work_starts, work_ends = merge_us(work)
    cut_starts, cut_ends = merge_us(cuts)
    total = 0
    for start, end in zip(work_starts, work_ends, strict=True):
        total += end - start
        i = bisect_right(cut_ends, start)
        while i < len(cut_starts) and cut_starts[i] < end:
            total -= min(end, cut_ends[i]) - max(start, cut_starts[i])
            i += 1
    return total
