"""The knowledge keeps every public ID of the assessment contract.

``snapshot/`` is a frozen copy of ``../shared/assessment`` (see snapshot/README.md). The
project's knowledge may add findings and conditions but never drop or rename one, nor
change a condition's usual triage. When ``../shared/assessment`` is present (it is not in
a fresh clone) the same checks run against it too, and the snapshot must not be older.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from stride import knowledge
from stride.knowledge import assessment_kb

HERE = Path(__file__).resolve().parent
SNAPSHOT = HERE / "snapshot"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "assessment"
FILES = ("CONTRACT.md", "findings.yaml", "conditions.yaml")

# The folders to check the knowledge against: the snapshot always, ../shared when present
# (parametrised over what exists, so nothing is ever skipped).
SOURCES = {"snapshot": SNAPSHOT} | ({"shared": SHARED} if SHARED.is_dir() else {})


def load(folder: Path, name: str) -> Any:
    return yaml.safe_load((folder / name).read_text(encoding="utf-8"))


def finding_ids(folder: Path) -> list[str]:
    return [f["id"] for f in load(folder, "findings.yaml")["findings"]]


def context(folder: Path) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in load(folder, "findings.yaml").get("context") or []}


def conditions(folder: Path) -> dict[str, dict[str, Any]]:
    return {c["slug"]: c for c in load(folder, "conditions.yaml")["conditions"]}


KNOWLEDGE = knowledge.ROOT


# --- the snapshot itself ------------------------------------------------------------


def test_the_snapshot_holds_the_contract_and_both_vocabularies():
    for name in (*FILES, "README.md"):
        assert (SNAPSHOT / name).is_file(), name
        assert (SNAPSHOT / name).stat().st_size > 0, name
    assert "## POST /api/assessment" in (SNAPSHOT / "CONTRACT.md").read_text(encoding="utf-8")
    assert len(finding_ids(SNAPSHOT)) >= 100
    assert len(conditions(SNAPSHOT)) >= 30


def test_the_snapshot_ids_are_unique():
    ids = finding_ids(SNAPSHOT)
    slugs = [c["slug"] for c in load(SNAPSHOT, "conditions.yaml")["conditions"]]

    assert len(set(ids)) == len(ids)
    assert len(set(slugs)) == len(slugs)


# --- the knowledge keeps every public ID --------------------------------------------


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_the_knowledge_keeps_every_finding_id(source):
    kept = set(finding_ids(KNOWLEDGE))

    dropped = [f for f in finding_ids(SOURCES[source]) if f not in kept]

    assert dropped == [], f"findings dropped or renamed from {source}: {dropped}"
    assert set(assessment_kb.finding_ids()) == kept


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_the_knowledge_keeps_every_condition_with_its_triage(source):
    kept = conditions(KNOWLEDGE)
    for slug, condition in conditions(SOURCES[source]).items():
        assert slug in kept, f"condition {slug} dropped or renamed from {source}"
        assert kept[slug]["triage"] == condition["triage"], slug
        if "destination" in condition:
            assert kept[slug].get("destination") == condition["destination"], slug
    assert set(kept) == set(knowledge.conditions())


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_the_knowledge_keeps_the_age_and_sex_context(source):
    kept = context(KNOWLEDGE)
    for key, value in context(SOURCES[source]).items():
        assert key in kept, key
        assert kept[key]["kind"] == value["kind"], key
        assert set(value.get("choices") or []) <= set(kept[key].get("choices") or []), key


def test_the_snapshot_is_not_older_than_shared():
    if not SHARED.is_dir():
        # A fresh clone has no ../shared: the snapshot is then the only reference, and
        # the tests above check the knowledge against it.
        assert set(SOURCES) == {"snapshot"}
        assert all((SNAPSHOT / name).is_file() for name in FILES)
        return
    snapshot_ids = set(finding_ids(SNAPSHOT))
    missing = [f for f in finding_ids(SHARED) if f not in snapshot_ids]
    assert missing == [], f"refresh tests/contract/snapshot: shared has new findings {missing}"
    snapshot_conditions = conditions(SNAPSHOT)
    for slug, condition in conditions(SHARED).items():
        assert slug in snapshot_conditions, f"refresh tests/contract/snapshot: shared has {slug}"
        assert snapshot_conditions[slug]["triage"] == condition["triage"], slug
    for key, value in context(SHARED).items():
        assert context(SNAPSHOT).get(key) == value, key


# --- the contract's own examples ----------------------------------------------------

CONTRACT = (SNAPSHOT / "CONTRACT.md").read_text(encoding="utf-8")


def json_examples() -> list[Any]:
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", CONTRACT, re.S)]


def bullet(name: str) -> str:
    """The text of the contract's bullet that starts with `name`."""
    match = re.search(rf"^- `{re.escape(name)}`:?(.*?)(?=^- |^#|\Z)", CONTRACT, re.S | re.M)
    assert match, name
    return match.group(1)


def assert_has_the_example_s_fields(example: Any, actual: Any, where: str = "") -> None:
    """Every key of the example is in the answer, recursively (more keys are allowed)."""
    if isinstance(example, dict):
        assert isinstance(actual, dict), where
        for key, value in example.items():
            assert key in actual, f"{where}.{key}"
            if value is not None and actual[key] is not None:
                assert_has_the_example_s_fields(value, actual[key], f"{where}.{key}")
    elif isinstance(example, list) and example:
        assert isinstance(actual, list), where
        assert actual, where
        assert_has_the_example_s_fields(example[0], actual[0], f"{where}[0]")


def test_the_contract_has_a_request_and_a_response_example():
    request, response = json_examples()

    assert set(request) == {"age", "sex", "answers", "not_sure"}
    assert set(response) == {"triage", "conditions", "next_question", "knowledge_version"}


def test_the_contract_example_request_gets_an_answer_like_the_example(client, demo_clinic):
    request, expected = json_examples()

    response = client.post("/api/assessment", json.dumps(request), content_type="application/json")

    assert response.status_code == 200
    actual = response.json()
    assert_has_the_example_s_fields(expected, actual)
    first, leading = actual["conditions"][0], expected["conditions"][0]
    for key in ("slug", "name", "article_url", "usual_triage"):
        assert first[key] == leading[key], key
    assert set(leading["supporting"]) <= set(first["supporting"])
    for key in ("level", "destination"):
        assert actual["triage"][key] == expected["triage"][key], key
    assert actual["next_question"] is not None
    assert actual["next_question"]["finding"] not in request["answers"]
    assert actual["next_question"]["finding"] not in request["not_sure"]


def test_the_contract_error_example_is_what_the_api_answers(client, db):
    response = client.post(
        "/api/assessment",
        json.dumps({"age": 30, "answers": {"loc.foo": True}}),
        content_type="application/json",
    )

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("answers.loc.foo", "unknown_finding")
    assert '"field": "answers.loc.foo"' in CONTRACT
    assert '"code": "unknown_finding"' in CONTRACT


def enum(spec: dict[str, Any], schema: str, field: str) -> set[str]:
    prop = spec["components"]["schemas"][schema]["properties"][field]
    if "$ref" in prop:
        prop = spec["components"]["schemas"][prop["$ref"].rsplit("/", 1)[-1]]
    return set(prop["enum"])


def test_the_api_declares_the_contract_s_levels_destinations_and_sexes(client, db):
    spec = client.get("/api/openapi.json").json()
    levels = set(re.findall(r"\b[a-z_]+\b", bullet("triage.level").split(",")[0]))
    destinations = set(re.findall(r"`([a-z0-9_]+)`", bullet("triage.destination")))
    sex_choices = re.search(r"`sex` one of ([a-z |]+)", bullet("age"))
    assert sex_choices
    sexes = {s.strip() for s in sex_choices.group(1).split("|")}

    assert levels == {"emergency", "urgent", "appointment", "self_care"}
    assert enum(spec, "TriageOut", "level") == levels
    assert len(destinations) == 8
    assert enum(spec, "TriageOut", "destination") == destinations
    assert sexes == {"female", "male", "other", "unspecified"}
    assert set(context(SNAPSHOT)["sex"]["choices"]) == sexes


def test_the_contract_s_minimum_list_length_holds_for_the_knowledge(client, db):
    assert "at least 5 entries" in CONTRACT
    response = client.post("/api/assessment", '{"age": 30}', content_type="application/json")

    assert len(response.json()["conditions"]) >= min(5, len(knowledge.conditions()))
