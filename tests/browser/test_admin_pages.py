"""The admin under the same strict CSP: it works, and the article preview is live."""

from stride.library.models import Article
from stride.office import demo


def _log_in(page, site):
    """Through the back office's sign-in: password and the authenticator code."""
    page.goto(site.url + "/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(demo.PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(demo.current_code("admin"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(site.url + "/admin/")


def test_the_article_editor_shows_a_live_preview(page, site):
    _log_in(page, site)
    article = Article.objects.get(slug="gout")
    page.goto(f"{site.url}/admin/library/article/{article.pk}/change/")
    preview = page.locator("#live-preview")
    preview.locator("h2#what-it-is").wait_for()
    page.locator("#id_body").fill(
        "## Fresh heading\n\nSome **bold** words.\n\n<script>bad()</script>"
    )
    preview.locator("h2#fresh-heading").wait_for()
    assert preview.locator("strong").inner_text() == "bold"
    assert preview.locator("script").count() == 0
    page.watch.assert_clean()


def test_admin_pages_raise_no_csp_errors(page, site):
    _log_in(page, site)
    for path in ("/admin/", "/admin/library/article/", "/admin/site/clinic/1/change/",
                 "/admin/site/practitioner/1/change/"):  # fmt: skip
        response = page.goto(site.url + path)
        assert response is not None
        assert response.status == 200
    page.watch.assert_clean()
