"""Half-open interval helpers, compared in UTC."""

from __future__ import annotations

import datetime as dt

import pytest

from stride.core.scheduling import contains, merge, overlaps, subtract
from stride.core.scheduling.intervals import merge_us, to_us
from stride.core.scheduling.tests.builders import local, utc

NINE, TEN, ELEVEN, NOON = (utc(2026, 6, 15, h) for h in (9, 10, 11, 12))


class TestOverlapsAndContains:
    def test_touching_intervals_do_not_overlap(self):
        assert not overlaps((NINE, TEN), (TEN, ELEVEN))
        assert overlaps((NINE, ELEVEN), (TEN, NOON))

    def test_an_empty_interval_overlaps_nothing(self):
        assert not overlaps((TEN, TEN), (NINE, ELEVEN))

    def test_zones_do_not_matter(self):
        assert overlaps((local(2026, 6, 15, 10), local(2026, 6, 15, 11)), (NINE, ELEVEN))

    def test_the_repeated_autumn_hour_is_compared_in_real_time(self):
        # Same tzinfo, so Python compares wall times and ignores fold: 01:00-01:59 BST
        # would seem to overlap 01:30-01:45 GMT, which happens an hour after it.
        first_pass = (local(2026, 10, 25, 1, 0), local(2026, 10, 25, 1, 59))
        second_pass = (local(2026, 10, 25, 1, 30, fold=1), local(2026, 10, 25, 1, 45, fold=1))
        assert second_pass[0] < first_pass[1]  # the trap
        assert not overlaps(first_pass, second_pass)

    def test_contains_includes_the_edges(self):
        assert contains((NINE, NOON), (NINE, NOON))
        assert contains((NINE, NOON), (TEN, ELEVEN))
        assert not contains((TEN, NOON), (NINE, ELEVEN))

    def test_a_reversed_or_naive_interval_is_an_error(self):
        with pytest.raises(ValueError, match="end before"):
            overlaps((TEN, NINE), (NINE, TEN))
        with pytest.raises(ValueError, match="aware"):
            overlaps((dt.datetime(2026, 6, 15, 9), TEN), (NINE, TEN))


class TestMergeAndSubtract:
    def test_merge_joins_overlapping_and_touching_intervals(self):
        assert merge(
            [(TEN, ELEVEN), (NINE, TEN), (ELEVEN, ELEVEN), (NINE, utc(2026, 6, 15, 9, 30))]
        ) == [(NINE, ELEVEN)]
        assert merge([(NOON, utc(2026, 6, 15, 13)), (NINE, TEN)]) == [
            (NINE, TEN),
            (NOON, utc(2026, 6, 15, 13)),
        ]

    def test_merge_answers_in_utc(self):
        assert merge([(local(2026, 6, 15, 10), local(2026, 6, 15, 11))]) == [(NINE, TEN)]
        assert merge([(local(2026, 6, 15, 10), local(2026, 6, 15, 11))])[0][0].tzinfo is dt.UTC

    def test_subtract_leaves_the_gaps(self):
        assert subtract((NINE, NOON), [(TEN, ELEVEN)]) == [(NINE, TEN), (ELEVEN, NOON)]
        assert subtract((NINE, NOON), [(utc(2026, 6, 15, 8), TEN), (ELEVEN, NOON)]) == [
            (TEN, ELEVEN)
        ]
        assert subtract((NINE, TEN), [(NINE, NOON)]) == []
        assert subtract((NINE, TEN), []) == [(NINE, TEN)]


class TestMicroseconds:
    def test_to_us_is_exact_in_any_zone(self):
        assert to_us(utc(1970, 1, 1, 0, 1)) == 60_000_000
        assert to_us(local(2026, 10, 25, 1, 30, fold=1)) - to_us(local(2026, 10, 25, 1, 30)) == (
            3_600_000_000
        )

    def test_merge_us_gives_sorted_disjoint_starts_and_ends(self):
        starts, ends = merge_us([(30, 40), (0, 10), (10, 20), (35, 50), (60, 60)])
        assert (starts, ends) == ([0, 30], [20, 50])
