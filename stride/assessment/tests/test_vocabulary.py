"""GET /api/assessment/vocabulary, as CONTRACT.md states it."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.test import Client

from stride import knowledge
from stride.assessment.tests.helpers import LEVELS, VOCABULARY_URL, assess, post
from stride.library.models import Article

FINDINGS_YAML = yaml.safe_load((knowledge.ROOT / "findings.yaml").read_text(encoding="utf-8"))
FINDING_IDS = [f["id"] for f in FINDINGS_YAML["findings"]]


def vocabulary(client: Client) -> dict[str, Any]:
    response = client.get(VOCABULARY_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def test_it_lists_every_finding_in_findings_yaml_once(client, db):
    ids = [f["id"] for f in vocabulary(client)["findings"]]

    assert sorted(ids) == sorted(FINDING_IDS)
    assert len(set(ids)) == len(ids)


def test_every_finding_has_its_group_question_help_and_yes_and_no_statements(client, db):
    for finding in vocabulary(client)["findings"]:
        assert {"id", "group", "question", "help", "yes", "no"} <= set(finding), finding
        for key in ("group", "question", "yes", "no"):
            assert isinstance(finding[key], str), (finding["id"], key)
            assert finding[key].strip(), (finding["id"], key)
        assert finding["help"] is None or (
            isinstance(finding["help"], str) and finding["help"].strip()
        ), finding["id"]
        assert finding["question"].rstrip().endswith("?"), finding["id"]
        assert finding["yes"] != finding["no"], finding["id"]


def test_the_age_and_sex_context_values_are_not_findings(client, db):
    context = {c["id"] for c in FINDINGS_YAML["context"]}

    assert not context & {f["id"] for f in vocabulary(client)["findings"]}


def test_it_lists_every_region_with_the_loc_findings_it_covers(client, db):
    known = set(FINDING_IDS)
    regions = vocabulary(client)["regions"]

    assert [r["slug"] for r in regions] == [r.slug for r in knowledge.regions()]
    for region, expected in zip(regions, knowledge.regions(), strict=True):
        assert {"slug", "name", "findings"} <= set(region)
        assert region["name"] == expected.name
        assert region["findings"], region["slug"]
        assert region["findings"] == list(expected.findings)
        for finding in region["findings"]:
            assert finding.startswith("loc."), (region["slug"], finding)
            assert finding in known, (region["slug"], finding)


def test_every_condition_has_slug_name_aka_usual_triage_and_article_url(client, db):
    conditions = vocabulary(client)["conditions"]
    expected = knowledge.conditions()

    assert [c["slug"] for c in conditions] == list(expected)
    for condition in conditions:
        assert {"slug", "name", "aka", "usual_triage", "article_url"} <= set(condition)
        source = expected[condition["slug"]]
        assert condition["name"] == source["name"]
        assert condition["aka"] == list(source.get("aka") or [])
        assert all(isinstance(a, str) for a in condition["aka"])
        assert condition["usual_triage"] == source["triage"]
        assert condition["usual_triage"] in LEVELS


def test_article_url_is_null_for_every_condition_before_any_article_is_published(client, db):
    assert {c["article_url"] for c in vocabulary(client)["conditions"]} == {None}


def test_article_url_is_the_condition_page_exactly_when_its_article_is_published(
    client, demo_clinic
):
    published = set(
        Article.objects.published().exclude(condition="").values_list("condition", flat=True)
    )
    assert len(published) == 16

    urls = {c["slug"]: c["article_url"] for c in vocabulary(client)["conditions"]}

    assert {s for s, url in urls.items() if url} == published
    for slug in published:
        assert urls[slug] == f"/conditions/{slug}/"
    assert urls["deep-vein-thrombosis"] is None


def test_its_article_urls_agree_with_the_assessment(client, demo_clinic):
    urls = {c["slug"]: c["article_url"] for c in vocabulary(client)["conditions"]}
    body = {"age": 27, "answers": {"loc.ankle_back": True, "agg.maximal_pointing": True}}

    for entry in assess(client, body)["conditions"]:
        assert entry["article_url"] == urls[entry["slug"]]


def test_its_knowledge_version_is_the_assessment_s(client, db):
    version = vocabulary(client)["knowledge_version"]

    assert isinstance(version, str)
    assert version == assess(client, {"age": 30})["knowledge_version"]


def test_it_is_cacheable_and_sets_no_cookie(client, db):
    response = client.get(VOCABULARY_URL)

    directives = [d.strip() for d in response["Cache-Control"].split(",")]
    assert "public" in directives
    assert "no-store" not in directives
    assert "private" not in directives
    assert not response.cookies


def test_it_is_the_same_every_time(client, demo_clinic):
    assert client.get(VOCABULARY_URL).content == client.get(VOCABULARY_URL).content


def test_every_vocabulary_finding_is_accepted_as_true_and_as_false(client, db):
    findings = [f["id"] for f in vocabulary(client)["findings"]]
    assert findings
    refused = []
    for finding in findings:
        for value in (True, False):
            response = post(client, {"age": 40, "answers": {finding: value}})
            if response.status_code != 200:
                refused.append((finding, value, response.status_code))
    assert refused == []


@pytest.mark.parametrize("region", knowledge.regions(), ids=lambda r: r.slug)
def test_starting_from_a_region_s_findings_gives_an_assessment(client, db, region):
    """The adaptive start: the person's loc.* answers for one region."""
    answers = dict.fromkeys(region.findings[:1], True)

    result = assess(client, {"age": 40, "answers": answers})

    assert result["conditions"]
    assert result["next_question"] is not None


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_the_vocabulary_refuses_other_methods_with_the_envelope(client, method):
    response = getattr(client, method)("/api/assessment/vocabulary")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()["errors"][0]["code"] == "method_not_allowed"


def test_errors_are_never_cached(client):
    response = client.post("/api/assessment", data="{}", content_type="application/json")
    assert response.status_code == 400
    assert response["Cache-Control"] == "no-store"
