"""What the booking app tells other apps, without importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once a booking made from a self-assessment hand-off is saved, with ``day`` (the
# clinic's date). Nothing about the person: the assessment app counts its funnel from it.
booked_from_assessment = Signal()

# Sent once a change that freed diary time (a cancellation, a move) has committed; the
# waitlist offers the time to the next person in line.
time_freed = Signal()
