"""From local wall-clock times on one calendar date to instants, clock changes included.

Two nights a year the wall clock misbehaves. In spring (Europe/London, last Sunday of
March) it jumps from 01:00 to 02:00: a wall time such as 01:30 never happens. In autumn
(last Sunday of October) it goes back from 02:00 to 01:00: 01:30 happens twice, first in
summer time (BST, fold 0) and an hour later in winter time (GMT, fold 1).

The rules, used by every caller:

- A slot start that never happens is skipped (:meth:`LocalDay.instant` gives ``None``).
  It is detected by a round trip: the wall time read back from the instant differs.
- A repeated wall time means its first occurrence (fold 0). The second pass through
  the hour is never offered, so a practitioner working 00:30-03:30 that night gets the
  same wall-clock slots as any other night, and no two of them overlap in real time.
- A period or break *boundary* that never happens (a period ending at 01:30 on the spring
  night) is taken as the moment the clocks change (:meth:`LocalDay.boundary`): every wall
  time before it that exists lies before that moment, every one after it lies after.

On the 363 ordinary days a year the offset is the same all day, and a wall time maps to
an instant by one subtraction; the careful path only runs on the clock-change days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from stride.core.scheduling.intervals import EPOCH, MICROSECOND, to_us

DAY_US = 86_400_000_000
_EPOCH_ORDINAL = EPOCH.date().toordinal()


def wall_us(moment: time) -> int:
    """Microseconds after midnight of a wall-clock time."""
    return (
        (moment.hour * 60 + moment.minute) * 60 + moment.second
    ) * 1_000_000 + moment.microsecond


def from_us(us: int, zone: tzinfo) -> datetime:
    """The instant ``us`` microseconds after the epoch, aware in ``zone`` (fold set right).

    Whole seconds go through ``fromtimestamp`` as an integer, so no float rounding can
    move the result; it is also three times quicker than adding a timedelta to the epoch.
    """
    seconds, micro = divmod(us, 1_000_000)
    moment = datetime.fromtimestamp(seconds, zone)
    return moment.replace(microsecond=micro) if micro else moment


class LocalDay:
    """One local calendar date in one zone: maps wall times on it to instants."""

    __slots__ = ("_naive_midnight_us", "day", "offset_us", "zone")

    def __init__(self, day: date, zone: ZoneInfo) -> None:
        self.day = day
        self.zone = zone
        self._naive_midnight_us = (day.toordinal() - _EPOCH_ORDINAL) * DAY_US
        # The offset is the same all day if it is the same at both midnights under both
        # folds (no zone changes its clocks twice within one day and back again).
        midnights = (datetime.combine(day, time()), datetime.combine(day + timedelta(1), time()))
        offsets = {
            m.replace(tzinfo=zone, fold=fold).utcoffset() for m in midnights for fold in (0, 1)
        }
        only = offsets.pop() if len(offsets) == 1 else None
        #: The UTC offset in microseconds when it holds all day, else ``None``.
        self.offset_us: int | None = None if only is None else only // MICROSECOND

    @property
    def utc_midnight_us(self) -> int:
        """The instant of local midnight; only meaningful when :attr:`offset_us` is set."""
        assert self.offset_us is not None
        return self._naive_midnight_us - self.offset_us

    def instant(self, wall: int) -> int | None:
        """The instant of a wall time (first occurrence if repeated), ``None`` if skipped."""
        if self.offset_us is not None:
            return self._naive_midnight_us + wall - self.offset_us
        naive = datetime.combine(self.day, time()) + timedelta(microseconds=wall)
        us = to_us(naive.replace(tzinfo=self.zone))  # fold 0: the first occurrence
        if from_us(us, self.zone).replace(tzinfo=None) != naive:
            return None  # the clocks jumped over this wall time
        return us

    def boundary(self, wall: int) -> int:
        """Like :meth:`instant`, but a skipped wall time becomes the moment the clocks
        changed, so a period or break that starts or ends in the gap keeps its meaning."""
        found = self.instant(wall)
        if found is not None:
            return found
        naive = datetime.combine(self.day, time()) + timedelta(microseconds=wall)
        # In a gap, the two folds read the wall time with the offsets from either side of
        # the change; the change lies between those instants. Bisect for it.
        low, high = sorted(to_us(naive.replace(tzinfo=self.zone, fold=f)) for f in (0, 1))
        after = _offset_at(high, self.zone)
        while high - low > 1:
            middle = (low + high) // 2
            if _offset_at(middle, self.zone) == after:
                high = middle
            else:
                low = middle
        return high

    def __repr__(self) -> str:
        return f"LocalDay({self.day.isoformat()}, {self.zone.key})"


def _offset_at(us: int, zone: ZoneInfo) -> timedelta | None:
    return from_us(us, zone).utcoffset()
