"""``{{ number|phone }}``: a phone number as people in the UK read and dial it.

Numbers are stored in E.164 (``+447700900456``); the back office shows them in the UK's
national format (``07700 900456``), a number from abroad in international format
(``+33 1 42 68 53 00``), and anything it cannot read (an erased record) as it is.
"""

from __future__ import annotations

import phonenumbers
from django import template

register = template.Library()


@register.filter(name="phone")
def national(number: str) -> str:
    try:
        parsed = phonenumbers.parse(number or "", "GB")
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, style)
