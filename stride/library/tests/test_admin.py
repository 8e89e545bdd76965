"""Staff editing articles in the admin."""

import pytest

from stride.library.models import Article

pytestmark = pytest.mark.usefixtures("demo_clinic")


def _form(article: Article, **changes) -> dict:
    data = {
        "title": article.title,
        "slug": article.slug,
        "condition": article.condition,
        "region": article.region,
        "aka": article.aka,
        "summary": article.summary,
        "body": article.body,
        "sources": article.sources,
        "hero_alt": "",
        "status": article.status,
        "author": article.author_id or "",
        "reviewer": article.reviewer_id or "",
        "first_published": article.first_published or "",
        "last_reviewed": article.last_reviewed or "",
        "next_review_due": article.next_review_due or "",
        "related": [a.pk for a in article.related.all()],
        "redirects-TOTAL_FORMS": "0",
        "redirects-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_publishing_without_a_reviewer_is_refused_with_a_clear_message(admin_client):
    article = Article.objects.get(slug="gout")
    url = f"/admin/library/article/{article.pk}/change/"
    response = admin_client.post(url, _form(article, reviewer="", status="published"))
    assert response.status_code == 200
    assert "A clinical reviewer must check an article" in response.content.decode()
    assert Article.objects.get(slug="gout").reviewer_id == article.reviewer_id


def test_a_saved_edit_shows_on_the_site(admin_client, client):
    article = Article.objects.get(slug="gout")
    url = f"/admin/library/article/{article.pk}/change/"
    response = admin_client.post(url, _form(article, summary="A new summary for gout."))
    assert response.status_code == 302
    assert "A new summary for gout." in client.get("/conditions/gout/").content.decode()


def test_the_live_preview_renders_sanitised_markdown(admin_client):
    response = admin_client.post(
        "/admin/library/article/render/",
        {"body": "## What it is\n\nHello **there**.\n\n<script>alert(1)</script>"},
    )
    html = response.content.decode()
    assert '<h2 id="what-it-is">What it is</h2>' in html
    assert "<strong>there</strong>" in html
    assert "<script" not in html


def test_the_live_preview_is_for_staff_only(client):
    response = client.post("/admin/library/article/render/", {"body": "x"})
    assert response.status_code == 302  # to the login page


def test_staff_preview_a_draft_that_patients_cannot_see(admin_client, client):
    article = Article.objects.get(slug="gout")
    Article.objects.filter(pk=article.pk).update(status="draft")
    assert client.get("/conditions/gout/").status_code == 404
    response = admin_client.get(f"/admin/library/article/{article.pk}/preview/")
    assert response.status_code == 200
    assert "Staff preview: this article is draft" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"


def test_overdue_reviews_are_flagged_to_staff(admin_client, now):
    Article.objects.filter(slug__in=["gout", "verruca"]).update(next_review_due="2026-01-31")
    response = admin_client.get("/admin/library/article/")
    html = response.content.decode()
    assert "2 articles past the review date" in html
    assert html.count("review-overdue") == 2
    overdue = admin_client.get("/admin/library/article/?review=overdue").content.decode()
    assert "Gout" in overdue and "Verruca" in overdue and "Bunion" not in overdue
