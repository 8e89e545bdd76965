import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from stride import clock


def test_now_is_aware_utc():
    moment = clock.now()
    assert moment.tzinfo is not None
    assert moment.utcoffset() == dt.timedelta(0)


def test_pinned_clock_is_returned_in_utc_and_released():
    pin = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    with clock.pinned(pin):
        assert clock.now() == pin
        # 01:30 UTC on the spring clock change is 02:30 BST in London.
        assert clock.local_now("Europe/London").hour == 2
        assert clock.today("Pacific/Auckland") == dt.date(2026, 3, 29)
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)


def test_the_setting_pins_the_clock(settings):
    settings.STRIDE_CLOCK = "2026-10-25T01:30:00+01:00"
    assert clock.now() == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("value", "message"), [("tomorrow", "not an ISO 8601"), ("2026-10-25T01:30:00", "UTC offset")]
)
def test_a_bad_pin_is_refused_clearly(settings, value, message):
    settings.STRIDE_CLOCK = value
    with pytest.raises(ImproperlyConfigured, match=message):
        clock.now()


def test_a_naive_pin_is_refused():
    with pytest.raises(ValueError, match="aware"), clock.pinned(dt.datetime(2026, 1, 1)):
        pass
