"""The progress bar on the question pages: words, not a count; it never goes back, and
is never full before the results; its estimate fits the vignettes' adaptive replays."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest
import yaml

from stride.assessment.tests.test_questionnaire import DANCER, _begin, _state, _step
from stride.core.assessment import assess, progress
from stride.core.assessment.evaluate import Case
from stride.knowledge import assessment_kb

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")
VIGNETTES = Path(assessment_kb.__file__).parent / "vignettes" / "dev.yaml"


def _bar(response) -> tuple[int, str]:
    html = response.content.decode()
    found = re.search(r'<progress id="progress" max="100" value="(\d+)" '
                      r'aria-valuetext="([^"]+)">', html)  # fmt: skip
    assert found, "no progress bar"
    return int(found.group(1)), found.group(2)


def test_a_question_page_says_how_far_in_words_not_a_count(client):
    response = _begin(client)
    value, words = _bar(response)
    html = response.content.decode()
    assert (value, words) == (0, "Just started")
    assert '<label for="progress"' in html and "Just started</label>" in html
    assert "You have answered" not in html and " of " not in words


def test_the_bar_never_goes_back_and_is_never_full_before_the_results(client):
    response = _begin(client)
    seen = []
    for _ in range(45):
        html = response.content.decode()
        if "Your results" in html:
            break
        if 'value="continue"' in html:
            response = _step(client, _state(response), action="continue")
            continue
        seen.append(_bar(response))
        finding = re.search(r'id="step-heading"[^>]*>([^<]+)<', html)
        assert finding
        asked = next(f for f, w in assessment_kb.wording().items()
                     if w["question"] == finding.group(1))  # fmt: skip
        value = DANCER.get(asked)
        answer = "not_sure" if value is None else ("yes" if value else "no")
        response = _step(client, _state(response), answer=answer)
    assert "Your results" in response.content.decode()
    assert "<progress" not in response.content.decode()  # the results need no bar
    values = [v for v, _ in seen]
    assert values == sorted(values), "the bar went back"
    assert max(values) <= 95 and values[-1] >= 50
    assert seen[-1][1] == progress.words(values[-1] / 100)


def test_going_back_keeps_the_bar_where_it_was(client):
    response = _begin(client)
    for _ in range(4):
        response = _step(client, _state(response), answer="no")
    before, _ = _bar(response)
    assert before > 0
    response = _step(client, _state(response), back="1")
    assert _bar(response)[0] >= before


def test_re_posting_an_older_page_cannot_lower_the_bar(client):
    """Without JavaScript, Back then resubmit posts an older state: the bar kept apart
    from the form (with the advice floor) still holds."""
    first = _begin(client)
    response = first
    for _ in range(5):
        response = _step(client, _state(response), answer="no")
    later, _ = _bar(response)
    again = _step(client, _state(first), answer="no")  # the first page, posted again
    assert _bar(again)[0] >= later


def _cases() -> list[Case]:
    return [Case.from_dict(c) for c in yaml.safe_load(VIGNETTES.read_text())["cases"]]


def test_the_estimate_fits_the_adaptive_replays_of_the_vignettes():
    """Replay each case as the pages would show it: the bar must not crawl (a long
    session still gets well along) nor sit full while questions keep coming."""
    kb = assessment_kb.knowledge_base()
    last_shown, held_full = [], []
    for case in _cases():
        answers = {f: True for f, v in case.answers.items() if f.startswith("loc.") and v}
        not_sure: list[str] = []
        shown, full, asked = 0.0, 0, 0
        result = assess(kb, age=case.age, sex=case.sex, answers=answers, not_sure=not_sure)
        while result.next_question and asked < 40:
            needed = progress.still_needed(kb, age=case.age, answers=answers,
                                           not_sure=not_sure, sex=case.sex)  # fmt: skip
            shown = progress.fraction(asked, needed, shown=shown)
            full += shown >= progress.CAP
            finding = result.next_question
            if finding in case.answers:
                answers[finding] = bool(case.answers[finding])
            else:
                not_sure.append(finding)
            asked += 1
            result = assess(kb, age=case.age, sex=case.sex, answers=answers, not_sure=not_sure)
        last_shown.append(shown)
        held_full.append(full)
    assert min(last_shown) >= 0.3, "a session ended with the bar hardly started"
    assert statistics.median(last_shown) >= 0.6
    assert max(held_full) <= 3, "the bar sat full while questions kept coming"
