"""Filling the patient forms as a person does: by role and accessible name."""


def fill_date_of_birth(page, day: str, month: str, year: str) -> None:
    """The date of birth's three boxes, found in their fieldset by its legend."""
    group = page.get_by_role("group", name="Date of birth")
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


ADA = ("Ada Lovelace", "ada@example.com", ("10", "12", "1990"))
DEE = ("Dee Dancer", "dee@example.org", ("3", "2", "1999"))


def fill_patient(page, who: tuple[str, str, tuple[str, str, str]] = ADA) -> None:
    """The details form's name, email, UK phone and date of birth, as a patient types them."""
    name, email, born = who
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("UK phone number").fill("07700 900123")
    fill_date_of_birth(page, *born)
