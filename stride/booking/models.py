"""Services, working patterns, closures, booking rules, patients and the one diary table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Upper

from stride import clock
from stride.booking.constraints import PortableExclusionConstraint
from stride.site.models import OpeningHours, Practitioner

Weekday = OpeningHours.Weekday


class Service(models.Model):
    class Kind(models.TextChoices):
        NEW_PATIENT = "new_patient", "New patient"
        FOLLOW_UP = "follow_up", "Follow-up"

    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    price_pence = models.PositiveIntegerField(help_text="Price in pence, e.g. 6500 for £65.")
    buffer_before_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Time kept free before the appointment (setting up)."
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Time kept free after it (notes, cleaning)."
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.NEW_PATIENT)
    bookable_online = models.BooleanField(
        default=True, help_text="Off: patients are asked to phone to book this."
    )
    practitioners = models.ManyToManyField(Practitioner, related_name="services", blank=True)
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)

    @property
    def price_display(self) -> str:
        pounds, pence = divmod(self.price_pence, 100)
        return f"£{pounds}" if not pence else f"£{pounds}.{pence:02d}"


class _WeeklyPeriod(models.Model):
    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE)
    weekday = models.IntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()
    valid_from = models.DateField(null=True, blank=True, help_text="First day; empty: always.")
    valid_until = models.DateField(null=True, blank=True, help_text="Last day; empty: always.")

    class Meta:
        abstract = True
        ordering = ["practitioner", "weekday", "start"]

    def __str__(self) -> str:
        return (
            f"{self.practitioner} {self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"
        )

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "The end must be after the start."})
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "The last day must not be before the first."})


class WorkingPeriod(_WeeklyPeriod):
    """A practitioner's weekly working hours, local wall time (e.g. Mondays 09:00-17:00)."""

    class Meta(_WeeklyPeriod.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="working_period_ends_after"
            )
        ]


class WorkingBreak(_WeeklyPeriod):
    """A weekly break inside working hours (e.g. lunch 13:00-14:00)."""

    class Meta(_WeeklyPeriod.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="working_break_ends_after")
        ]


class TimeOff(models.Model):
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="time_off"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="time_off_ends_after")
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} off {self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M}"


class ClinicClosure(models.Model):
    """The whole clinic closed (e.g. Christmas week, a refit)."""

    start = models.DateTimeField()
    end = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="closure_ends_after")
        ]

    def __str__(self) -> str:
        return f"Closed {self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M}"


class BankHolidayOpening(models.Model):
    """A bank holiday (England and Wales) on which the clinic chooses to open."""

    date = models.DateField(unique=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"Open on {self.date:%d %B %Y}"


class BookingRules(models.Model):
    """The clinic's booking rules (one row)."""

    minimum_notice_minutes = models.PositiveIntegerField(default=120)
    horizon_days = models.PositiveSmallIntegerField(
        default=84, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(5), MaxValueValidator(120)]
    )
    late_cancel_hours = models.PositiveSmallIntegerField(default=24)
    hold_minutes = models.PositiveSmallIntegerField(
        default=30, help_text="How long a waitlist offer holds a slot."
    )
    max_future_bookings_per_email = models.PositiveSmallIntegerField(default=3)
    # Raised in the same transaction as any change to the booking configuration (these
    # rules, services, rotas, time off, closures, the clinic): the guarded write uses a
    # process's configuration snapshot only while this still matches it.
    config_version = models.PositiveBigIntegerField(default=1, editable=False)

    class Meta:
        verbose_name_plural = "booking rules"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="booking_rules_singleton")]

    def __str__(self) -> str:
        return "Booking rules"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class DiaryEntry(models.Model):
    """One row per thing that occupies a practitioner: appointment, waitlist hold or block.

    ``occupied_start``/``occupied_end`` include the service's buffers. On PostgreSQL an
    exclusion constraint forbids two active entries of one practitioner from
    overlapping; on SQLite the booking service checks inside an IMMEDIATE transaction.
    """

    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", "Appointment"
        HOLD = "hold", "Waitlist hold"
        BLOCK = "block", "Staff block"

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "Did not attend"

    class Channel(models.TextChoices):
        ONLINE = "online", "Online"
        PHONE = "phone", "Phone"
        STAFF = "staff", "Staff"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.APPOINTMENT)
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="diary")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT)
    start = models.DateTimeField()
    end = models.DateTimeField()
    occupied_start = models.DateTimeField()
    occupied_end = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CONFIRMED)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=120, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised on every change.")
    reference = models.CharField(max_length=12, unique=True, null=True, blank=True)
    calendar_uid = models.CharField(max_length=80, blank=True)
    calendar_sequence = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=500, blank=True, help_text="Staff note (blocks).")
    arrived_at = models.DateTimeField(
        null=True, blank=True, help_text="When the patient arrived (the front desk's note)."
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "diary entries"
        indexes = [models.Index(fields=["practitioner", "occupied_start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="diary_ends_after"),
            models.CheckConstraint(
                condition=Q(occupied_start__lte=F("start"), occupied_end__gte=F("end")),
                name="diary_occupied_covers",
            ),
            PortableExclusionConstraint(
                name="diary_no_overlap",
                expressions=[
                    ("practitioner", RangeOperators.EQUAL),
                    (TsTzRange("occupied_start", "occupied_end"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status="confirmed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.practitioner} {self.start:%Y-%m-%d %H:%M}"


class Patient(models.Model):
    """A person the clinic has seen or booked. Linked to bookings only on a strong match
    (same email, name and date of birth) or by staff, never by email alone."""

    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=20)
    date_of_birth = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    notes = models.TextField(
        blank=True, max_length=5000,
        help_text="Admin notes for staff (not clinical records): how to reach them, access needs.",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        # What the back office's patient search and duplicate check filter on. On
        # PostgreSQL migration 0011 adds a trigram index on the name (pg_trgm).
        indexes = [
            models.Index(fields=["email", "date_of_birth"]),
            models.Index(fields=["date_of_birth", "name"], name="patient_dob_name"),
            models.Index(fields=["phone"], name="patient_phone"),
            models.Index(Upper("email"), name="patient_email_upper"),
        ]

    def __str__(self) -> str:
        return self.name


class BookingDetails(models.Model):
    """The patient's details as given for one appointment, kept with it."""

    entry = models.OneToOneField(DiaryEntry, on_delete=models.CASCADE, related_name="details")
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +447700900123")
    date_of_birth = models.DateField()
    booked_by_name = models.CharField(max_length=120, blank=True)
    booked_by_relationship = models.CharField(max_length=60, blank=True)
    reason = models.TextField(blank=True, max_length=2000)
    assessment_summary = models.TextField(blank=True, max_length=4000)
    assessment_record = models.JSONField(
        null=True, blank=True,
        help_text="The symptom check's answers as data (stride.core.assessment.shared), "
        "kept only when the patient booked from it and chose to share it.",
    )  # fmt: skip
    manage_token_hash = models.CharField(max_length=64, unique=True)
    manage_token_expires_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "booking details"
        # The patient search finds a record by any phone or email its bookings used.
        indexes = [
            models.Index(fields=["phone"], name="details_phone"),
            models.Index(Upper("email"), name="details_email_upper"),
        ]

    def __str__(self) -> str:
        return f"Details of {self.entry}"


class IdempotencyKey(models.Model):
    """A client's retry key: the same request within 24 hours replays the first answer."""

    key = models.CharField(max_length=64, unique=True)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class ExtraManageToken(models.Model):
    """Another manage link for the same booking (one per reminder), stored as a hash."""

    details = models.ForeignKey(BookingDetails, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Token for {self.details.entry}"


class Reminder(models.Model):
    """A reminder claimed before it is sent, so two runs never send it twice.

    A claim that never got ``sent_at`` (the sender died between claim and send) is
    flagged for staff rather than sent again blindly.
    """

    entry = models.ForeignKey(DiaryEntry, on_delete=models.CASCADE, related_name="reminders")
    hours_before = models.PositiveSmallIntegerField()
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "hours_before"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.hours_before}h reminder for {self.entry}"


class WaitlistRequest(models.Model):
    """A patient waiting for a time: a service, perhaps one practitioner, between two dates.

    First come, first offered. One offer at a time; a missed or declined offer keeps the
    place (that time is not offered to them again) until ``MAX_MISSED`` have gone by.
    """

    MAX_MISSED = 3

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Offer open"
        BOOKED = "booked", "Booked"
        LEFT = "left", "Left the waitlist"
        ENDED = "ended", "Ended"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="waitlist")
    practitioner = models.ForeignKey(
        Practitioner, null=True, blank=True, on_delete=models.PROTECT, related_name="waitlist"
    )
    earliest = models.DateField()
    latest = models.DateField()
    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +447700900123")
    date_of_birth = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    missed = models.PositiveSmallIntegerField(default=0)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(latest__gte=F("earliest")), name="waitlist_latest_after"
            )
        ]

    def __str__(self) -> str:
        return f"Waitlist for {self.service} from {self.earliest:%Y-%m-%d}"


class WaitlistOffer(models.Model):
    """A time held for one waitlist request: the hold is a diary entry of its own."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    request = models.ForeignKey(WaitlistRequest, on_delete=models.CASCADE, related_name="offers")
    hold = models.OneToOneField(DiaryEntry, on_delete=models.PROTECT, related_name="offer")
    start = models.DateTimeField()
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    booking = models.ForeignKey(
        DiaryEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(status="open"), name="one_open_offer_per_request"
            )
        ]

    def __str__(self) -> str:
        return f"Offer of {self.start:%Y-%m-%d %H:%M} to {self.request}"


def _condition_choices() -> list[tuple[str, str]]:
    from stride import knowledge

    return [(slug, c["name"]) for slug, c in sorted(knowledge.conditions().items())]


class ConditionService(models.Model):
    """The service the self-assessment suggests when this condition leads the results."""

    condition = models.CharField(max_length=80, unique=True, choices=_condition_choices)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="conditions")
    same_day = models.BooleanField(
        default=False,
        help_text="The clinic can see this the same day even when the advice is urgent "
        "(e.g. an infected ingrown toenail). Red-flag advice is never overridden.",
    )

    class Meta:
        ordering = ["condition"]
        verbose_name = "service for a condition"

    def __str__(self) -> str:
        return f"{self.get_condition_display()} → {self.service}"
