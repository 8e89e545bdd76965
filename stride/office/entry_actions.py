"""What staff may do to an entry at this moment: the one list every page draws its
buttons from. Each action's rule is the write's own (``stride.booking.attendance`` and
``stride.booking.services``), so a button shown is a button that works."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from stride.booking import attendance, services
from stride.booking.models import DiaryEntry

Status = DiaryEntry.Status


@dataclass(frozen=True)
class Action:
    name: str  # arrived, attended, no_show, move, cancel, reinstate
    label: str


ARRIVED = Action("arrived", "Arrived")
ATTENDED = Action("attended", "Attended")
NO_SHOW = Action("no_show", "Did not attend")
MOVE = Action("move", "Move to another time")
CANCEL = Action("cancel", "Cancel…")
REINSTATE = Action("reinstate", "Reinstate")


def for_entry(entry: DiaryEntry, *, now: dt.datetime, zone: ZoneInfo,
              check_reinstate: bool = True) -> list[Action]:  # fmt: skip
    """The actions open on ``entry`` now. ``check_reinstate=False`` leaves out the
    database check that a cancelled time is still free (the diary does not offer
    reinstating; the entry page does)."""
    if entry.kind != DiaryEntry.Kind.APPOINTMENT:
        return []
    found = []
    if attendance.may_arrive(entry, now, zone):
        found.append(ARRIVED)
    if attendance.may_mark(entry, now):
        found += [ATTENDED, NO_SHOW]
    if entry.status == Status.CONFIRMED and entry.start > now:
        found += [MOVE] if entry.service_id else []
        found.append(CANCEL)
    if (check_reinstate and entry.status == Status.CANCELLED and entry.start > now
            and not services.taken_meanwhile(entry)):  # fmt: skip
        found.append(REINSTATE)
    return found


def names(actions: list[Action]) -> set[str]:
    return {a.name for a in actions}
