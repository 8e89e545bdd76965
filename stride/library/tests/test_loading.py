"""Loading the starter articles: idempotent, never overwriting staff edits."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from stride.library import services
from stride.library.models import Article
from stride.site.models import Practitioner


def test_without_the_reviewers_the_articles_arrive_as_drafts(db):
    report = services.library_load(publish=True)
    assert len(report.created) == 16
    assert Article.objects.published().count() == 0
    assert Article.objects.filter(reviewer__isnull=True).count() == 16


def test_the_demo_publishes_them_with_its_practitioners(demo_clinic):
    assert Article.objects.published().count() == 16
    article = Article.objects.get(slug="gout")
    assert article.reviewer is not None
    assert article.reviewer.slug == "tomasz-nowak"
    assert article.words > 500
    assert [a.slug for a in article.related.all()]


def test_loading_twice_changes_nothing(demo_clinic):
    before = list(Article.objects.order_by("pk").values())
    report = services.library_load(publish=True)
    assert len(report.unchanged) == 16
    assert list(Article.objects.order_by("pk").values()) == before


def test_a_staff_edit_is_never_overwritten(demo_clinic):
    article = Article.objects.get(slug="gout")
    article.summary = "Our own summary."
    article.save()
    report = services.library_load(publish=True)
    assert report.kept_edits == ["gout"]
    assert Article.objects.get(slug="gout").summary == "Our own summary."


def test_an_unedited_article_takes_the_new_knowledge(demo_clinic):
    Article.objects.filter(slug="gout").update(body="old text")
    article = Article.objects.get(slug="gout")
    article.knowledge_hash = article.content_hash()
    article.save()
    report = services.library_load(publish=True)
    assert report.updated == ["gout"]
    assert "## What it is" in Article.objects.get(slug="gout").body


def test_the_command_reports_what_it_did(db, capsys):
    call_command("library_load")
    assert "16 created" in capsys.readouterr().out


def test_an_article_cannot_be_published_without_a_review(demo_clinic):
    article = Article.objects.get(slug="gout")
    article.reviewer = None
    with pytest.raises(ValidationError, match="clinical reviewer"):
        article.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(slug="gout").update(last_reviewed=None)


def test_the_next_review_must_follow_the_last(demo_clinic):
    article = Article.objects.get(slug="gout")
    article.next_review_due = article.last_reviewed
    with pytest.raises(ValidationError, match="after the last review"):
        article.full_clean()


def test_one_article_per_condition(demo_clinic):
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            title="Gout again",
            slug="gout-2",
            condition="gout",
            summary="x",
            body="x",
            region="forefoot",
        )


def test_an_unknown_condition_is_refused(db):
    article = Article(
        title="X", slug="x", condition="broken-leg", summary="x", body="x", region="foot"
    )
    with pytest.raises(ValidationError, match="not a condition"):
        article.full_clean()


def test_a_reviewer_cannot_be_deleted_while_they_review_articles(demo_clinic):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Practitioner.objects.get(slug="amara-okafor").delete()
