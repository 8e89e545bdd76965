"""The diary's time grid: rows through real time, cells by working hours, entries placed
where they start and as tall as they last, clock-change days with the right hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from stride.core.scheduling import grid
from stride.core.scheduling.model import Break, WorkingPeriod

LONDON = ZoneInfo("Europe/London")
STEP = timedelta(minutes=15)
TUESDAY = date(2026, 6, 2)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


def working(day: date) -> grid.Working:
    return grid.Working(
        periods=tuple(
            grid.patterns_on([WorkingPeriod(day.weekday(), time(9), time(17))], day, LONDON)
        ),
        breaks=tuple(grid.patterns_on([Break(day.weekday(), time(13), time(14))], day, LONDON)),
    )


def test_a_day_steps_through_real_time_and_a_clock_change_day_has_its_hours():
    ordinary = grid.day_rows(TUESDAY, LONDON, time(0), None, timedelta(hours=1))
    spring = grid.day_rows(date(2026, 3, 29), LONDON, time(0), None, timedelta(hours=1))
    autumn = grid.day_rows(date(2026, 10, 25), LONDON, time(0), None, timedelta(hours=1))
    assert (len(ordinary), len(spring), len(autumn)) == (24, 23, 25)
    labels = [f"{r:%H:%M %Z}" for r in autumn[:4]]
    assert labels == ["00:00 BST", "01:00 BST", "01:00 GMT", "02:00 GMT"]  # the repeated hour
    assert [f"{r:%H}" for r in spring[:3]] == ["00", "02", "03"]  # 01:00 never happens


def test_a_week_s_wall_times_have_no_instant_where_the_clocks_skip_them():
    walls = grid.wall_rows(time(0, 30), time(3), timedelta(minutes=30))
    found = grid.on_day(walls, date(2026, 3, 29), LONDON)
    assert [None if f is None else f"{f:%H:%M}" for f in found] == [
        "00:30", None, None, "02:00", "02:30"]  # fmt: skip


def test_cells_say_free_past_break_and_outside_working_hours():
    rows = grid.day_rows(TUESDAY, LONDON, time(8), time(18), STEP)
    now = at(TUESDAY, 10)
    cells: list[grid.Cell[str]] = grid.column(rows, step=STEP, working=working(TUESDAY),
                                              entries=[], now=now)  # fmt: skip
    state = {f"{c.at:%H:%M}": c.state for c in cells if c.at}
    assert state["08:45"] == "off" and state["17:00"] == "off"
    assert state["09:45"] == "past" and state["10:00"] == "free"
    assert state["13:00"] == state["13:45"] == "break" and state["14:00"] == "free"


def test_an_entry_starts_in_its_row_and_covers_the_rows_it_lasts():
    rows = grid.day_rows(TUESDAY, LONDON, time(8), time(18), STEP)
    entries = [(at(TUESDAY, 10), at(TUESDAY, 10, 45), "ada"),
               (at(TUESDAY, 11, 5), at(TUESDAY, 11, 20), "ben")]  # fmt: skip
    cells = grid.column(rows, step=STEP, working=working(TUESDAY), entries=entries,
                        now=at(TUESDAY, 8))  # fmt: skip
    by_time = {f"{c.at:%H:%M}": c for c in cells if c.at}
    assert by_time["10:00"].state == "entry" and by_time["10:00"].rows == 3
    assert by_time["10:00"].entries == ("ada",)
    assert [by_time[t].state for t in ("10:15", "10:30", "10:45")] == ["covered", "covered", "free"]
    # Off the grid: the row it starts in, and every row it touches.
    assert by_time["11:00"].entries == ("ben",) and by_time["11:00"].rows == 2
    assert len(cells) == len(rows)


def test_entries_that_share_rows_share_a_cell():
    rows = grid.day_rows(TUESDAY, LONDON, time(8), time(18), STEP)
    entries = [(at(TUESDAY, 10), at(TUESDAY, 10, 30), "first"),
               (at(TUESDAY, 10, 15), at(TUESDAY, 11), "second")]  # fmt: skip
    cells = grid.column(rows, step=STEP, working=working(TUESDAY), entries=entries,
                        now=at(TUESDAY, 8))  # fmt: skip
    first = next(c for c in cells if c.state == "entry")
    assert first.entries == ("first", "second") and first.rows == 4


def test_the_repeated_hour_places_each_entry_by_its_instant():
    day = date(2026, 10, 25)
    rows = grid.day_rows(day, LONDON, time(0), time(4), timedelta(minutes=30))
    gmt = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 01:30 GMT, the second 01:30
    cells = grid.column(rows, step=timedelta(minutes=30), working=grid.Working(),
                        entries=[(gmt, gmt + timedelta(minutes=30), "late")],
                        now=at(day, 0))  # fmt: skip
    placed = next(c for c in cells if c.state == "entry")
    assert placed.at is not None and placed.at.astimezone(UTC) == gmt
    assert f"{placed.at:%H:%M %Z}" == "01:30 GMT"


def test_the_hours_drawn_widen_to_every_entry_and_period():
    lo = at(TUESDAY, 0)
    hi = datetime.combine(TUESDAY + timedelta(days=1), time(), LONDON)
    early = [at(TUESDAY, 7, 30), at(TUESDAY, 18, 10)]
    assert grid.hours_for(lo, hi, early, LONDON, (time(8), time(18))) == (time(7), time(19))
    assert grid.hours_for(lo, hi, [hi], LONDON, (time(8), time(18))) == (time(8), None)
