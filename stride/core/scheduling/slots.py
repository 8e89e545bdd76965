"""Which appointment times to offer: the slot grid, minus everything that rules a time out.

For each local date in the range that is not a closed day, each practitioner and each
working period that applies that day, the candidates are the period's start plus whole
multiples of the step, in local wall time (the grid of the booking API contract). A
candidate is offered when:

- its wall time exists that day: a time the clocks skip in spring is not offered, and
  a time repeated in autumn is offered once, at its first occurrence (summer time); see
  :mod:`stride.core.scheduling.wall`;
- the appointment, ``duration`` of real elapsed time, ends by the period's end, both
  compared as instants: a 60-minute appointment at 00:30 on the spring-forward night
  ends at 02:30 BST, one real hour later, and fits a period ending at 03:30;
- the appointment itself does not overlap a break that day (the buffers may: a break
  is the practitioner's own time, not a patient's);
- its occupied range ``[start - buffer_before, end + buffer_after)`` overlaps no busy
  range, no time off and no clinic closure (all half-open, so touching is fine);
- it starts at least ``minimum_notice`` after ``now``, on a local date at most
  ``horizon_days`` after now's local date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from stride.core.scheduling.intervals import MICROSECOND, Interval, to_us
from stride.core.scheduling.model import Rules, Schedule, ServiceTiming, Slot
from stride.core.scheduling.plan import Plan
from stride.core.scheduling.wall import from_us


def occupied(start: datetime, service: ServiceTiming) -> Interval:
    """The range an appointment starting at ``start`` takes from its practitioner, in UTC,
    as the diary table stores it.

    The arithmetic is done in UTC on purpose: adding a timedelta to a datetime in the
    clinic's zone adds wall-clock time, which is an hour out across a clock change.
    """
    start_us = to_us(start)
    return (
        from_us(start_us - service.buffer_before // MICROSECOND, UTC),
        from_us(start_us + (service.duration + service.buffer_after) // MICROSECOND, UTC),
    )


def slots(
    *,
    schedules: Iterable[Schedule],
    service: ServiceTiming,
    rules: Rules,
    closed_days: frozenset[date],
    closures: tuple[Interval, ...] = (),
    first_day: date,
    last_day: date,
    now: datetime,
) -> list[Slot]:
    """Every slot that booking at ``now`` would give, on local dates ``first_day`` to
    ``last_day`` inclusive, sorted by start then practitioner.

    ``closed_days`` are local dates the whole clinic is shut: the bank holidays it does
    not open on (the caller leaves out any it opens on) and other closed days.
    ``closures`` are clinic-wide ranges of instants, for closures that do not follow
    calendar days (from 18:00 on Christmas Eve to noon on the 27th, say).
    """
    plan = Plan.build(
        schedules=schedules,
        service=service,
        rules=rules,
        closed_days=closed_days,
        closures=closures,
        now=now,
    )
    # Practitioners mostly share start times: make each pair of datetimes once, share it.
    moments: dict[int, tuple[datetime, datetime]] = {}
    zone = plan.zone
    offered: list[Slot] = []
    for day in plan.bookable_days(first_day, last_day):
        for start_us, name, end_us in plan.offered_on(day, plan.diaries):
            pair = moments.get(start_us)
            if pair is None:
                pair = moments[start_us] = (from_us(start_us, zone), from_us(end_us, zone))
            offered.append(Slot(pair[0], pair[1], name))
    return offered


def is_bookable(
    *,
    start: datetime,
    practitioner: str,
    schedules: Iterable[Schedule],
    service: ServiceTiming,
    rules: Rules,
    closed_days: frozenset[date],
    closures: tuple[Interval, ...] = (),
    now: datetime,
) -> bool:
    """Whether :func:`slots` would offer exactly this start with this practitioner.

    Meant for the booking transaction, with the diary as read inside it. A start that
    is free but off the grid, inside the notice or beyond the horizon is not bookable;
    neither is the second 01:30 on the autumn night, since only the first is offered.
    """
    plan = Plan.build(
        schedules=[s for s in schedules if s.practitioner == practitioner],
        service=service,
        rules=rules,
        closed_days=closed_days,
        closures=closures,
        now=now,
    )
    return practitioner in plan.offered_at(start)


def first_available(
    *,
    start: datetime,
    schedules: Iterable[Schedule],
    service: ServiceTiming,
    rules: Rules,
    closed_days: frozenset[date],
    closures: tuple[Interval, ...] = (),
    now: datetime,
) -> str | None:
    """For a booking with "any" practitioner: the first practitioner, by key, who is
    offered this start, or ``None``. A stable choice, so a retry picks the same person."""
    plan = Plan.build(
        schedules=schedules,
        service=service,
        rules=rules,
        closed_days=closed_days,
        closures=closures,
        now=now,
    )
    offered = plan.offered_at(start)
    return offered[0] if offered else None
