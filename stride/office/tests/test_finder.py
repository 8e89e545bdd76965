"""Finding a caller's record with one typo in the name, and records likely to be the
same person: the same answers on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from stride.booking.models import BookingDetails, DiaryEntry, Patient
from stride.office import finder
from stride.office.finder import Wanted
from stride.site.models import Practitioner

pytestmark = pytest.mark.django_db
BORN = dt.date(1950, 3, 3)


def person(name: str, email: str = "margaret@example.org", phone: str = "+447700900456",
           born: dt.date = BORN) -> Patient:  # fmt: skip
    return Patient.objects.create(name=name, email=email, phone=phone, date_of_birth=born)


def found(**wanted) -> list[str]:
    return [p.name for p in finder.patients_find(patients=Patient.objects.all(),
                                                 wanted=Wanted(**wanted))]  # fmt: skip


@pytest.fixture
def people() -> dict[str, Patient]:
    return {
        "margaret": person("Margaret Ellis"),
        "mary": person("Mary Ellison", "mary@example.org", "+447700900457", dt.date(1961, 1, 2)),
        "lee": person("Kim Lee", "kim@example.org", "+447700900458", dt.date(1988, 8, 8)),
        "other": person("Margaret Ellis", "other@example.org", "+447700900459",
                        dt.date(1972, 7, 7)),
    }  # fmt: skip


@pytest.mark.parametrize("typed", ["Margaret Ellis", "margret ellis", "Margaret Elis",
                                   "Mragaret Ellis", "Ellis Margaret"])  # fmt: skip
def test_a_name_is_found_with_one_typo_or_none(people, typed):
    assert found(name=typed, date_of_birth=BORN) == ["Margaret Ellis"]
    assert found(name=typed) == ["Margaret Ellis", "Margaret Ellis"]


def test_the_start_of_a_name_is_no_typo_and_comes_first(people):
    # "Marg" starts "Margaret"; "Mary Ellison" is one typo away ("Mary" for "Marg").
    assert found(name="Marg Ellis") == ["Margaret Ellis", "Margaret Ellis", "Mary Ellison"]


def test_a_typo_in_the_record_is_found_by_the_name_spelt_right(people):
    Patient.objects.filter(pk=people["lee"].pk).update(name="Kim Lea")
    assert found(name="Kim Lee") == ["Kim Lea"]
    assert found(name="Lee") == ["Kim Lea"]


def test_two_typos_are_not_the_same_name(people):
    assert found(name="Margret Elis") == []
    assert found(name="Mary Elis") == []


def test_no_typo_comes_before_one(people):
    person("Margret Ellis", "m2@example.org", "+447700900460", dt.date(1940, 4, 4))
    assert found(name="Margret Ellis") == ["Margret Ellis", "Margaret Ellis", "Margaret Ellis"]


def test_every_detail_given_must_match(people):
    assert found(phone="+447700900456") == ["Margaret Ellis"]
    assert found(email="MARGARET@Example.org") == ["Margaret Ellis"]
    assert found(date_of_birth=dt.date(1972, 7, 7)) == ["Margaret Ellis"]
    assert found(name="Margaret Ellis", phone="+447700900457") == []
    assert found(name="Mary Ellison", email="mary@example.org",
                 date_of_birth=dt.date(1961, 1, 2)) == ["Mary Ellison"]  # fmt: skip
    assert found() == []


def test_a_phone_or_email_used_for_a_booking_finds_the_record(people):
    start = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    who = Practitioner.objects.create(name="P", slug="p", practising_since=2000)
    entry = DiaryEntry.objects.create(
        kind="appointment", practitioner=who, start=start, end=start + dt.timedelta(hours=1),
        occupied_start=start, occupied_end=start + dt.timedelta(hours=1), reference="ABC123",
    )  # fmt: skip
    BookingDetails.objects.create(
        entry=entry, patient=people["lee"], name="Kim Lee", email="kim.work@example.org",
        phone="+447700900999", date_of_birth=dt.date(1988, 8, 8), manage_token_hash="x" * 64,
        manage_token_expires_at=entry.end,
    )  # fmt: skip
    assert found(email="kim.work@example.org") == ["Kim Lee"]
    assert found(phone="+447700900999", name="kim lee") == ["Kim Lee"]


def test_only_the_records_given_are_searched(people):
    mine = Patient.objects.filter(pk=people["other"].pk)
    assert [p.pk for p in finder.patients_find(patients=mine, wanted=Wanted(name="Ellis"))] == [
        people["other"].pk
    ]


def test_at_most_the_limit_is_returned(people):
    for n in range(5):
        person(f"Margaret Ellis{'e' * n}", f"x{n}@example.org")
    shown = finder.patients_find(patients=Patient.objects.all(),
                                 wanted=Wanted(name="Margaret Ellis"), limit=3)  # fmt: skip
    assert len(shown) == 3


# Likely duplicates -------------------------------------------------------------------------


def test_three_records_of_one_person_are_each_flagged_with_the_other_two():
    first = person("Margaret Ellis")
    second = person("Margaret Ellis", email="m.ellis@example.org")  # same phone
    third = person("Margret Ellis", email="me@example.org", phone="+447700900000")  # a typo
    person("Margaret Ellis", email="x@example.org", phone="+447700900001",
           born=dt.date(1951, 3, 3))  # same name, another person  # fmt: skip
    flags = finder.duplicates_among(patients=Patient.objects.all(),
                                    shown=[first, second, third])  # fmt: skip
    assert {k: [d.patient.pk for d in v] for k, v in flags.items()} == {
        first.pk: [second.pk, third.pk],  # by name: "Margaret" before "Margret"
        second.pk: [first.pk, third.pk],
        third.pk: [first.pk, second.pk],
    }


@pytest.mark.parametrize(
    ("other", "duplicate"),
    [({"email": "MARGARET@example.org", "phone": "+447700900000", "name": "Peggy Ellis"}, True),
     ({"email": "p@example.org", "name": "Peggy Ellis"}, True),
     ({"email": "p@example.org", "phone": "+447700900000", "name": "Margaret Elis"}, True),
     ({"email": "p@example.org", "phone": "+447700900000", "name": "Peggy Ellis"}, False),
     ({"born": dt.date(1950, 3, 4)}, False)],
)  # fmt: skip
def test_a_likely_duplicate_is_the_same_birthday_and_a_phone_email_or_name(other, duplicate):
    margaret = person("Margaret Ellis")
    kwargs = {"name": "Margaret Ellis", **other}
    twin = person(kwargs.pop("name"), **kwargs)
    assert finder.likely_duplicate(margaret, twin) is duplicate
    assert bool(finder.duplicates_of(patients=Patient.objects.all(), patient=margaret)) is duplicate


def test_among_equals_the_names_most_alike_by_trigrams_come_first():
    person("Ann Ellison", "ann@example.org", "+447700900470")
    person("Zed Ellis", "zed@example.org", "+447700900471")
    # Both start with "Ellis" (no typo); "Zed Ellis" has it as the whole word.
    assert found(name="Ellis") == ["Zed Ellis", "Ann Ellison"]
