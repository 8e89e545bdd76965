"""Records likely to be one person are flagged in the list and on the patient's page,
with the way to merge them; phone numbers read as dialled in the UK everywhere."""

from __future__ import annotations

import datetime as dt

import pytest

from stride.booking.models import Patient
from stride.office.models import StaffProfile
from stride.office.templatetags.phones import national
from stride.office.tests.test_patients import at, book
from stride.site.models import Practitioner

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")
BORN = dt.date(1950, 3, 3)


def person(name: str, email: str, phone: str = "+447700900456", born: dt.date = BORN) -> Patient:
    return Patient.objects.create(name=name, email=email, phone=phone, date_of_birth=born)


@pytest.fixture
def ellises() -> list[Patient]:
    """Issue 14: three records of one Margaret Ellis, and another Margaret Ellis."""
    return [
        person("Margaret Ellis", "margaret@example.org"),
        person("Margaret Ellis", "m.ellis@example.org"),
        person("Margret Ellis", "margaret@example.org", phone="+447700900000"),
        person("Margaret Ellis", "other@example.org", "+447700900999", dt.date(1980, 1, 1)),
    ]


def test_the_list_flags_each_likely_duplicate_with_the_way_to_merge(staff_login, ellises):
    html = staff_login("reception").get("/office/patients/", {"q": "ellis"}).content.decode()
    assert html.count("Likely duplicate") == 3
    for record in ellises[:3]:
        assert f'href="/office/patients/{record.pk}/merge/"' in html
    assert f'href="/office/patients/{ellises[3].pk}/merge/"' not in html


def test_the_patient_page_names_the_others_and_links_each_to_the_merge(staff_login, ellises):
    first, second, third, other = ellises
    html = staff_login("reception").get(f"/office/patients/{first.pk}/").content.decode()
    assert "Likely duplicate record" in html
    assert f"/office/patients/{first.pk}/merge/{second.pk}/" in html
    assert f"/office/patients/{first.pk}/merge/{third.pk}/" in html
    assert f"/office/patients/{first.pk}/merge/{other.pk}/" not in html
    assert "the same date of birth, phone and name." in html  # the second record
    assert "the same date of birth, email and a name one typo apart." in html  # the third


def test_the_merge_page_lists_the_likely_duplicates_before_a_search(staff_login, ellises):
    first, second, third, _other = ellises
    html = staff_login("reception").get(f"/office/patients/{first.pk}/merge/").content.decode()
    assert "Likely duplicates" in html
    assert f"/merge/{second.pk}/" in html and f"/merge/{third.pk}/" in html


def test_a_record_with_no_likely_duplicate_has_no_warning(staff_login, ellises):
    html = staff_login("reception").get(f"/office/patients/{ellises[3].pk}/").content.decode()
    assert "Likely duplicate" not in html


def test_a_practitioner_sees_the_warning_without_the_merge(staff_login, ellises):
    amara = Practitioner.objects.get(slug="amara-okafor")
    StaffProfile.objects.filter(practitioner=amara).delete()
    for day, record in zip((19, 20), ellises[:2], strict=True):
        book(record, "amara-okafor", at(day, 10))
    client = staff_login("practitioner", practitioner=amara)
    html = client.get(f"/office/patients/{ellises[0].pk}/").content.decode()
    assert "Likely duplicate record" in html and "/merge/" not in html
    # Only records the practitioner may see are named.
    assert f"patient:{ellises[2].pk}" not in html


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("+447700900456", "07700 900456"), ("+442079460000", "020 7946 0000"),
     ("+33142685300", "+33 1 42 68 53 00"), ("Erased", "Erased"), ("", "")],
)  # fmt: skip
def test_phone_numbers_read_as_dialled_in_the_uk(stored, shown):
    assert national(stored) == shown


def test_the_office_pages_show_phone_numbers_in_national_format(staff_login, ellises):
    client = staff_login("reception")
    for url in ("/office/patients/", f"/office/patients/{ellises[0].pk}/",
                f"/office/patients/{ellises[0].pk}/export/",
                f"/office/patients/{ellises[0].pk}/merge/{ellises[1].pk}/"):  # fmt: skip
        html = client.get(url).content.decode()
        assert "07700 900456" in html and "+447700900456" not in html, url
