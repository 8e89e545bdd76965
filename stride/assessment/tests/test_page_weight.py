"""Each step of the symptom check, HTML and stylesheet together, stays under 20 KB
compressed (htmx and the small script are loaded once and cached)."""

import gzip
from pathlib import Path

import pytest
from django.conf import settings

from stride.assessment.tests.test_questionnaire import DANCER, _answer_all, _begin, _state, _step

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")
BUDGET = 20 * 1024
CSS = Path(settings.BASE_DIR) / "stride" / "static" / "stride" / "site.css"


def _weight(response) -> int:
    css = gzip.compress(CSS.read_bytes(), compresslevel=6)
    return len(gzip.compress(response.content, compresslevel=6)) + len(css)


def test_every_step_is_light(client):
    pages = {"start": client.get("/assessment/")}
    where = client.post("/assessment/", {"age": 81, "sex": "female", "region": "leg"})
    pages["where"] = where
    question = _step(client, _state(where), action="places", place=["loc.calf"])
    pages["question"] = question
    pages["red flag"] = _step(client, _state(question), answer="yes")
    pages["results"], _ = _answer_all(client, _begin(client), DANCER)
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert _weight(response) < BUDGET, (name, _weight(response))
