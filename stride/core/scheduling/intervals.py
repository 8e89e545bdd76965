"""Half-open intervals ``[start, end)`` of aware datetimes, compared in UTC.

Half-open, so an appointment ending at 10:00 and the next one starting at 10:00 do not
overlap, and a day's intervals tile it without double counting.

Every comparison here is made in UTC, never in the clinic's zone: Python compares two
aware datetimes that share a ``tzinfo`` by their wall-clock fields and ignores ``fold``
(PEP 495), so in the hour repeated when the clocks go back, 01:45 BST would compare
*after* 01:15 GMT although it happens 30 minutes before it.

The ``*_us`` helpers work in integer microseconds since the Unix epoch, the form the slot
calculation uses so that its inner loop is plain integer arithmetic and bisection over
sorted lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

Interval = tuple[datetime, datetime]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, not {moment!r}")
    return moment.astimezone(UTC)


def _checked(interval: Interval) -> Interval:
    start, end = _utc(interval[0]), _utc(interval[1])
    if end < start:
        raise ValueError(f"an interval must not end before it starts: {interval!r}")
    return start, end


def overlaps(a: Interval, b: Interval) -> bool:
    """True if the two intervals share any instant (touching ends do not; empty ones
    share none)."""
    a_start, a_end = _checked(a)
    b_start, b_end = _checked(b)
    return a_start < b_end and b_start < a_end and a_start < a_end and b_start < b_end


def contains(outer: Interval, inner: Interval) -> bool:
    """True if every instant of ``inner`` lies in ``outer``."""
    outer_start, outer_end = _checked(outer)
    inner_start, inner_end = _checked(inner)
    return outer_start <= inner_start and inner_end <= outer_end


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """The union as sorted, disjoint UTC intervals; empty ones vanish, touching ones join."""
    merged: list[Interval] = []
    for start, end in sorted(_checked(i) for i in intervals):
        if start == end:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(base: Interval, cuts: Iterable[Interval]) -> list[Interval]:
    """What is left of ``base`` once every cut is removed, as sorted UTC intervals."""
    start, end = _checked(base)
    left: list[Interval] = []
    for cut_start, cut_end in merge(cuts):
        if cut_end <= start or cut_start >= end:
            continue
        if cut_start > start:
            left.append((start, cut_start))
        start = max(start, cut_end)
    if start < end:
        left.append((start, end))
    return left


def to_us(moment: datetime) -> int:
    """Microseconds since the Unix epoch: exact, and the same for any zone or fold."""
    try:
        return (moment - EPOCH) // MICROSECOND  # aware minus aware is real elapsed time
    except TypeError:  # naive minus aware
        raise ValueError(f"an aware datetime is required, not {moment!r}") from None


def merge_us(intervals: Iterable[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """The union of integer intervals as two sorted lists, starts and ends.

    The result is disjoint (touching intervals join), so both lists are sorted, and the
    first interval that can touch an instant ``t`` is found by bisecting the ends for
    ``t``: every earlier interval has ended by then.
    """
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(intervals):
        if start >= end:
            continue
        if ends and start <= ends[-1]:
            if end > ends[-1]:
                ends[-1] = end
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends
