"""The clinic and the people who work there."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a time zone name such as Europe/London.")


class Clinic(models.Model):
    """The one clinic this deployment serves; every page takes its details from here."""

    SINGLETON_ID = 1

    name = models.CharField(max_length=120)
    tagline = models.CharField(
        max_length=200, blank=True, help_text="One line under the name on the home page."
    )
    treats = models.TextField(
        blank=True,
        help_text="What the clinic treats, one item a line, shown on the home page. To link a "
        "line to its condition article, end it with | and the article's condition or slug "
        "(Bunions and stiff big toes | hallux-valgus); a line that is itself an article's "
        "name (Plantar fasciitis) links on its own.",
    )
    phone = models.CharField(max_length=40, help_text="As patients should dial it.")
    email = models.EmailField()
    address_line1 = models.CharField("address line 1", max_length=120)
    address_line2 = models.CharField("address line 2", max_length=120, blank=True)
    town = models.CharField(max_length=80)
    postcode = models.CharField(max_length=12)
    map_url = models.URLField(
        "map link",
        blank=True,
        help_text="A link to a map of the clinic. Left empty, an OpenStreetMap search is used.",
    )
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    registration_details = models.TextField(
        blank=True,
        help_text="Company number, registered office, ICO registration: shown in the footer "
        "and privacy notice.",
    )
    ico_registration = models.CharField("ICO registration number", max_length=20, blank=True)
    accessibility_notes = models.TextField(
        blank=True, help_text="Step-free access, lifts, toilets, hearing loop."
    )
    parking_notes = models.TextField(blank=True, help_text="Parking and public transport.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="clinic_singleton")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)

    @property
    def phone_uri(self) -> str:
        digits = "".join(c for c in self.phone if c.isdigit() or c == "+")
        return f"tel:{digits}"

    @property
    def address_lines(self) -> list[str]:
        return [
            line
            for line in (self.address_line1, self.address_line2, self.town, self.postcode)
            if line
        ]

    @property
    def treats_list(self) -> list[str]:
        return [words for words, _ in self.treat_lines]

    @property
    def treat_lines(self) -> list[tuple[str, str]]:
        """(words shown, the article slug or condition they name) for each line: the part
        after ``|``, or else the words themselves as a slug."""
        lines = []
        for line in self.treats.splitlines():
            words, _, named = line.partition("|")
            if words.strip():
                lines.append((words.strip(), slugify(named.strip() or words)))
        return lines


class OpeningHours(models.Model):
    """One opening on one weekday, in the clinic's local time (a day may have two)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0
        TUESDAY = 1
        WEDNESDAY = 2
        THURSDAY = 3
        FRIDAY = 4
        SATURDAY = 5
        SUNDAY = 6

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.IntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="opening_hours_closes_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M} to {self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": "Closing time must be after opening time."})


def practitioner_photo_path(instance: Practitioner, filename: str) -> str:
    return f"practitioners/{instance.slug}/original-{filename}"


class Practitioner(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    role = models.CharField(max_length=120, help_text="e.g. Podiatrist, Musculoskeletal podiatrist")
    photo = models.ImageField(upload_to=practitioner_photo_path, blank=True)
    photo_alt = models.CharField(
        "photo description",
        max_length=200,
        blank=True,
        help_text="What the photo shows, for people who cannot see it.",
    )
    bio = models.TextField(help_text="Plain text; a blank line starts a new paragraph.")
    qualifications = models.CharField(
        max_length=200, blank=True, help_text="e.g. BSc (Hons) Podiatry"
    )
    practising_since = models.PositiveSmallIntegerField(
        help_text="Year they qualified; years of experience are worked out from it.",
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    special_interests = models.TextField(blank=True, help_text="One a line.")
    is_active = models.BooleanField(default=True, help_text="Shown on the website.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("site:practitioner", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.photo and not self.photo_alt.strip():
            raise ValidationError({"photo_alt": "Describe the photo for people who cannot see it."})

    @property
    def bio_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.bio.split("\n\n") if p.strip()]

    @property
    def interests_list(self) -> list[str]:
        return [line.strip() for line in self.special_interests.splitlines() if line.strip()]

    def years_of_experience(self, today: dt.date) -> int:
        from stride.core.hours import years_since

        return years_since(self.practising_since, today)


class Registration(models.Model):
    """A professional registration or membership, with a link to check it."""

    class Body(models.TextChoices):
        HCPC = "hcpc", "Health and Care Professions Council (HCPC)"
        RCPOD = "rcpod", "Royal College of Podiatry"
        GOSC = "gosc", "General Osteopathic Council"
        GCC = "gcc", "General Chiropractic Council"
        CSP = "csp", "Chartered Society of Physiotherapy"
        OTHER = "other", "Other"

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="registrations"
    )
    body = models.CharField(max_length=10, choices=Body.choices)
    body_name = models.CharField(
        max_length=120, blank=True, help_text="Only for 'Other': the body's name."
    )
    number = models.CharField("registration number", max_length=40, blank=True)
    check_url = models.URLField(
        "public register link", blank=True, help_text="Where a patient can check this registration."
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.display_body} {self.number}".strip()

    def clean(self) -> None:
        if self.body == self.Body.OTHER and not self.body_name.strip():
            raise ValidationError({"body_name": "Name the registering body."})
        if self.body in {self.Body.HCPC, self.Body.GOSC, self.Body.GCC} and not self.number.strip():
            raise ValidationError({"number": "A statutory registration has a number: enter it."})

    @property
    def display_body(self) -> str:
        return self.body_name if self.body == self.Body.OTHER else self.get_body_display()


class PhotoRendition(models.Model):
    """A resized copy of a practitioner's photo, for responsive images."""

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="renditions"
    )
    width = models.PositiveSmallIntegerField()
    image = models.ImageField(upload_to="practitioners/renditions/")
    source = models.CharField(max_length=255, help_text="The photo this was made from.")

    class Meta:
        ordering = ["width"]
        constraints = [
            models.UniqueConstraint(fields=["practitioner", "width"], name="rendition_unique_width")
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} at {self.width}px"


class ContentVersion(models.Model):
    """A number every process reads to know when public pages must be made again.

    Editing anything a public page shows (the clinic, opening hours, a practitioner,
    an article) adds one to it; the page cache keys its entries by it.
    """

    version = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"content version {self.version}"
