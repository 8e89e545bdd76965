"""Filling the patient forms as a person does: by role and accessible name."""


def fill_date_of_birth(page, day: str, month: str, year: str) -> None:
    """The date of birth's three boxes, found in their fieldset by its legend."""
    group = page.get_by_role("group", name="Date of birth")
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)
