"""Article pages as patients and search engines see them."""

import gzip
import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from stride.library.models import Article

pytestmark = pytest.mark.usefixtures("demo_clinic")
URL = "/conditions/posterior-ankle-impingement/"


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


def test_a_condition_article_has_every_part_in_order(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    headings = re.findall(r'<h2 id="[^"]+">([^<]+)</h2>', html)
    assert headings[:8] == [
        "What it is",
        "Who gets it",
        "Causes",
        "Symptoms",
        "What makes it worse",
        "What you can do now",
        "When to seek help urgently",
        "How we treat it",
    ]
    assert "Also called: os trigonum syndrome" in html
    assert "Last reviewed by" in html and "Tomasz Nowak" in html
    assert "minute read" in html
    assert html.count("Book an appointment") >= 2, "a call to action inside and at the end"
    assert html.count('class="article-cta"') == 2
    assert html.index('class="article-cta"') > html.index(">Symptoms</h2>")
    assert '<h2 id="sources">Sources</h2>' in html
    assert 'aria-current="page">Posterior ankle impingement</a>' in html  # breadcrumb
    assert 'href="/conditions/#ankle"' in html


def test_structured_data_describes_a_reviewed_medical_page(client):
    data = _json_ld(client.get(URL).content.decode())
    assert data["@type"] == "MedicalWebPage"
    assert data["about"]["@type"] == "MedicalCondition"
    assert data["about"]["name"] == "Posterior ankle impingement"
    assert "os trigonum syndrome" in data["about"]["alternateName"]
    assert data["lastReviewed"] == "2026-11-20"
    assert data["reviewedBy"]["name"] == "Tomasz Nowak"
    assert data["url"] == settings.SITE_URL + URL


def test_json_ld_cannot_break_out_of_its_script_element(client):
    Article.objects.filter(slug="gout").update(summary="</script><script>alert(1)</script>")
    html = client.get("/conditions/gout/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert _json_ld(html)["description"] == "</script><script>alert(1)</script>"


def test_social_cards_and_canonical_use_site_url(client):
    html = client.get(URL).content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}{URL}">' in html
    assert f'<meta property="og:url" content="{settings.SITE_URL}{URL}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<meta name="description" content="Deep pain at the back of the ankle' in html


def test_share_links_are_plain_links_with_no_third_party_script(client):
    html = client.get(URL).content.decode()
    encoded = "http%3A%2F%2F127.0.0.1%3A8000%2Fconditions%2Fposterior-ankle-impingement%2F"
    for prefix in (
        "mailto:?subject=",
        "https://wa.me/?text=",
        f"https://www.facebook.com/sharer/sharer.php?u={encoded}",
        f"https://x.com/intent/post?url={encoded}",
        f"https://www.linkedin.com/sharing/share-offsite/?url={encoded}",
    ):
        assert f'href="{prefix}' in html.replace("&amp;", "&")
    assert "Copy link" in html
    scripts = re.findall(r"<script[^>]*src=\"([^\"]+)\"", html)
    assert all(s.startswith("/static/") for s in scripts)


def test_more_to_explore_puts_staff_picks_first_then_the_same_region(client):
    article = Article.objects.get(slug="posterior-ankle-impingement")
    article.related.set([Article.objects.get(slug="gout")])
    html = client.get(URL).content.decode()
    more = html[html.index("More to explore") :]
    links = re.findall(r'class="article-card"><a href="([^"]+)"', more)
    assert links[0] == "/conditions/gout/"
    assert len(links) == 4
    assert URL not in links
    assert all(
        Article.objects.get(condition=link.split("/")[2]).region == "ankle" for link in links[1:]
    )


def test_drafts_and_unknown_slugs_are_404_with_a_way_to_search(client):
    Article.objects.filter(slug="gout").update(status=Article.Status.DRAFT)
    for path in ("/conditions/gout/", "/conditions/no-such-thing/", "/articles/nothing/"):
        response = client.get(path)
        assert response.status_code == 404
        assert (
            'href="/search/' in response.content.decode()
            or "/conditions/" in response.content.decode()
        )


def test_other_articles_live_under_articles_not_conditions(client):
    Article.objects.create(
        title="We have moved",
        slug="we-have-moved",
        summary="Our new clinic.",
        body="## News\n\nWe moved.",
        region="foot",
    )
    Article.objects.filter(slug="we-have-moved").update(status="draft")
    article = Article.objects.get(slug="we-have-moved")
    article.reviewer = article.author = None
    assert article.get_absolute_url() == "/articles/we-have-moved/"
    assert client.get("/conditions/we-have-moved/").status_code == 404
    assert client.get("/articles/posterior-ankle-impingement/").status_code == 404


def test_an_article_past_its_review_date_stays_public(client, now):
    Article.objects.filter(slug="gout").update(next_review_due="2026-01-01")
    assert client.get("/conditions/gout/").status_code == 200


def test_the_index_groups_articles_by_region(client):
    html = client.get("/conditions/").content.decode()
    assert html.index('id="ankle"') < html.index('id="heel"') < html.index('id="nails"')
    assert html.count('class="article-card"') == 16
    assert (
        client.get("/conditions/?region=heel").content.decode().count('class="article-card"') == 2
    )
    assert client.get("/conditions/?region=nowhere").status_code == 404


def test_an_article_page_and_css_are_under_30_kb_compressed(client):
    html = client.get(URL).content
    with open(finders.find("stride/site.css"), "rb") as fh:  # type: ignore[arg-type]
        css = fh.read()
    total = len(gzip.compress(html, 9)) + len(gzip.compress(css, 9))
    assert total < 30 * 1024, total


def test_sitemap_robots_and_feed_use_site_url(client):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"<loc>{settings.SITE_URL}{URL}</loc>" in sitemap
    assert f"<loc>{settings.SITE_URL}/practitioners/amara-okafor/</loc>" in sitemap
    robots = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in robots
    feed = client.get("/articles/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert f'href="{settings.SITE_URL}{URL}"' in body
    assert body.count("<entry>") == 16


def test_markdown_with_script_or_event_handlers_is_neutralised_on_the_page(client):
    Article.objects.filter(slug="gout").update(
        body='## What it is\n\n<script>alert(1)</script>\n\n<img src="/x.png" onerror="alert(1)">'
        '\n\n[click](javascript:alert(1))\n\n<a href="javascript:alert(2)">x</a>'
    )
    html = client.get("/conditions/gout/").content.decode()
    assert "alert(1)</script>" not in html
    assert "onerror" not in html
    assert 'href="javascript:' not in html


def test_a_hero_image_is_responsive_and_loaded_first(client, settings, tmp_path):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from stride.library import services

    settings.MEDIA_ROOT = str(tmp_path)
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (30, 90, 120)).save(buffer, "JPEG")
    article = Article.objects.get(slug="gout")
    article.hero_alt = "A swollen big toe joint."
    article.hero_image.save("toe.jpg", ContentFile(buffer.getvalue()))
    services.article_hero_renditions_refresh(article=article)
    assert [(r.width, r.height) for r in article.renditions.all()] == [
        (480, 270),
        (800, 450),
        (1200, 675),
    ]
    html = client.get("/conditions/gout/").content.decode()
    hero = re.search(r'<figure class="hero">\s*(<img[^>]+>)', html)
    assert hero
    tag = hero.group(1)
    assert 'fetchpriority="high"' in tag
    assert "loading=" not in tag
    assert 'alt="A swollen big toe joint."' in tag
    assert re.search(r'srcset="[^"]+480w, [^"]+800w, [^"]+1200w"', tag)
    assert (
        f'<meta property="og:image" content="{settings.SITE_URL}/media/articles/renditions/' in html
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_more_to_explore_also_follows_findings_the_conditions_share(client):
    """Plantar heel pain and ball-of-foot pain share findings (long standing, hard floors)."""
    Article.objects.get(slug="plantar-fasciitis").related.clear()
    html = client.get("/conditions/plantar-fasciitis/").content.decode()
    more = html[html.index("More to explore") :]
    links = re.findall(r'class="article-card"><a href="([^"]+)"', more)
    assert links[0] == "/conditions/severs-disease/"  # same region and shared findings
    assert "/conditions/metatarsalgia/" in links  # another region, shared findings
    assert "/conditions/verruca/" not in links
