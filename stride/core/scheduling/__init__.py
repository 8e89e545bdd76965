"""Availability: which appointment times to offer. Pure Python, no Django, no clock.

Working hours are local wall time in the clinic's zone; everything booked is an aware
range stored and compared in UTC; intervals are half-open ``[start, end)``. "Now" and
the bank holidays are the caller's to pass in (the caller computes holidays with the
``holidays`` package and leaves out any it chooses to open on).
"""

from stride.core.scheduling.intervals import Interval, contains, merge, overlaps, subtract
from stride.core.scheduling.model import (
    Break,
    Rules,
    Schedule,
    ServiceTiming,
    Slot,
    WorkingPeriod,
)
from stride.core.scheduling.slots import first_available, is_bookable, occupied, slots

__all__ = [
    "Break",
    "Interval",
    "Rules",
    "Schedule",
    "ServiceTiming",
    "Slot",
    "WorkingPeriod",
    "contains",
    "first_available",
    "is_bookable",
    "merge",
    "occupied",
    "overlaps",
    "slots",
    "subtract",
]
