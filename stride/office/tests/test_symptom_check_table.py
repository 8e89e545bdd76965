"""The practitioner's copy of a shared symptom check: a table of questions and answers,
warning signs first, then yes answers, then the rest; older bookings keep their text."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from stride.booking import services
from stride.booking.models import DiaryEntry, Service
from stride.knowledge import assessment_kb
from stride.site.models import Practitioner

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")
BST = dt.timezone(dt.timedelta(hours=1))
SUMMARY = "Self-assessment answered online (not a diagnosis).\nWhere: under the heel."


def _row(finding: str, answer: str, red_flag: bool = False) -> dict:
    return {"finding": finding, "answer": answer, "red_flag": red_flag}


RECORD = {
    "knowledge_version": "2026.12.0", "answered_on": "2026-06-01", "region": "heel",
    "advice": "urgent",
    "answers": [
        _row("loc.heel_bottom", "yes"), _row("red.cold_pale_foot", "no", True),
        _row("agg.first_steps", "yes"), _row("red.fever_or_unwell", "not_sure", True),
        _row("onset.gradual", "no"), _row("sym.spreading_redness", "yes", True),
    ],
}  # fmt: skip


def _book(hour: int, *, record: dict | None) -> DiaryEntry:
    return services.booking_create(
        service=Service.objects.get(slug="follow-up"),
        practitioner=Practitioner.objects.get(slug="amara-okafor"),
        start=dt.datetime(2026, 6, 2, hour, 0, tzinfo=BST),
        details=services.PatientDetails(
            name="Ada Patient", email="ada@example.org", phone="+447700900123",
            date_of_birth=dt.date(1980, 1, 1), assessment_summary=SUMMARY,
            assessment_record=record,
        ),
    ).entry  # fmt: skip


def _table(html: str) -> list[tuple[str, str]]:
    body = html[html.index('<table class="data answers">') :]
    body = body[: body.index("</table>")]
    cells = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', body)
    return [(unescape(re.sub(r"<[^>]+>", "", q)).strip(), re.sub(r"<[^>]+>", "", a))
            for q, a in cells]  # fmt: skip


def test_the_practitioner_reads_the_answers_as_a_table_warning_signs_first(staff_login):
    entry = _book(10, record=RECORD)
    html = staff_login("reception").get(f"/office/entries/{entry.pk}/").content.decode()
    words = assessment_kb.wording()
    question = {f: words[f]["question"] for f in words}
    assert _table(html) == [
        (f"Warning sign {question['sym.spreading_redness']}", "Yes"),
        (f"Warning sign {question['red.fever_or_unwell']}", "Not sure"),
        (question["loc.heel_bottom"], "Yes"),
        (question["agg.first_steps"], "Yes"),
        (f"Warning sign {question['red.cold_pale_foot']}", "No"),
        (question["onset.gradual"], "No"),
    ]
    assert "Answers to the symptom check on 1 June 2026" in html
    assert "knowledge version 2026.12.0" in html
    assert "The summary in words" in html and "Where: under the heel." in html


def test_the_diary_shows_the_same_table(staff_login):
    _book(10, record=RECORD)
    html = staff_login("reception").get("/office/diary/", {"day": "2026-06-02"}).content.decode()
    assert _table(html)[0][1] == "Yes" and "Warning sign" in _table(html)[0][0]


def test_an_older_booking_shows_the_summary_it_kept_as_text(staff_login):
    entry = _book(11, record=None)
    html = staff_login("reception").get(f"/office/entries/{entry.pk}/").content.decode()
    assert '<table class="data answers">' not in html
    assert '<pre class="summary">' in html and "Where: under the heel." in html


def test_a_record_that_cannot_be_read_falls_back_to_the_text(staff_login):
    entry = _book(12, record={"answers": "?"})
    html = staff_login("reception").get(f"/office/entries/{entry.pk}/").content.decode()
    assert '<table class="data answers">' not in html and "Where: under the heel." in html
