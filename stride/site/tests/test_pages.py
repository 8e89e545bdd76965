"""The public pages: what a patient sees, and what they never get (cookies, other hosts)."""

import gzip
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import RequestFactory

from stride.site import views

PUBLIC_PAGES = [
    "/",
    "/practitioners/",
    "/practitioners/amara-okafor/",
    "/contact/",
    "/book/",
    "/privacy/",
    "/accessibility/",
]

pytestmark = pytest.mark.usefixtures("demo_clinic")


class ResourceParser(HTMLParser):
    """Collects every URL the browser would fetch on its own (not links to follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.inline_scripts = 0
        self.inline_styles = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in {"img", "script", "iframe", "audio", "video", "source", "embed"} and a.get("src"):
            self.fetched.append(a["src"])
        if tag == "img" and a.get("srcset"):
            self.fetched += [part.split()[0] for part in a["srcset"].split(",")]
        if tag == "link" and a.get("rel") in {"stylesheet", "icon", "preload", "manifest"}:
            self.fetched.append(a["href"])
        if tag == "script" and not a.get("src") and a.get("type") != "application/ld+json":
            self.inline_scripts += 1
        if tag == "style" or "style" in a:
            self.inline_styles += 1
        if any(k.startswith("on") for k in a):
            self.inline_scripts += 1


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_each_public_page_loads_without_cookies_or_other_hosts(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies, "public pages must not set cookies"
    assert "Cookie" not in response.get("Vary", "")
    parser = ResourceParser()
    parser.feed(response.content.decode())
    assert parser.fetched, "expected at least the stylesheet"
    for url in parser.fetched:
        assert url.startswith("/"), f"{url} is on another host"
        assert not url.startswith("//"), f"{url} is on another host"
    assert parser.inline_scripts == 0
    assert parser.inline_styles == 0


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_each_public_page_names_the_clinic_and_how_to_call(client, path):
    html = client.get(path).content.decode()
    assert "Larkfield Foot &amp; Ankle Clinic" in html
    assert 'href="tel:02079460321"' in html
    assert "call 999" in html


def test_the_home_page_offers_booking_calling_hours_and_a_map_link(client):
    html = client.get("/").content.decode()
    assert 'href="/book/"' in html
    assert "Book an appointment" in html
    assert "Call us" in html
    assert "Heel pain and plantar fasciitis" in html
    assert "9am to 1pm, 2pm to 6pm" in html  # Monday
    assert re.search(r"<th scope=\"row\">Sunday</th><td>Closed</td>", html)
    assert "https://www.openstreetmap.org/search?query=14+Larkfield+Mews" in html
    assert "<iframe" not in html


def test_security_headers_are_strict(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "http" not in csp, "no third-party origin is allowed"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_home_page_and_its_css_are_under_20_kb_compressed(client):
    html = client.get("/").content
    css_path = finders.find("stride/site.css")
    assert css_path
    with open(css_path, "rb") as fh:
        css = fh.read()
    total = len(gzip.compress(html, 9)) + len(gzip.compress(css, 9))
    assert total < 20 * 1024, f"home page HTML+CSS is {total} bytes compressed"


def test_the_practitioner_page_shows_photo_registrations_and_experience(client):
    html = client.get("/practitioners/amara-okafor/").content.decode()
    assert 'alt="Amara Okafor, smiling, with short dark hair."' in html
    assert re.search(r'srcset="[^"]*160w, [^"]*320w, [^"]*640w"', html)
    assert "Health and Care Professions Council (HCPC)" in html
    assert "CH99901" in html
    assert "Royal College of Podiatry" in html
    # qualified 14 years before the pinned clock's year (2026)
    assert "14 years of experience (qualified in 2012)" in html


def test_the_osteopath_shows_the_general_osteopathic_council(client):
    html = client.get("/practitioners/tomasz-nowak/").content.decode()
    assert "General Osteopathic Council" in html


def test_the_team_index_links_every_active_practitioner(client):
    from stride.site.models import Practitioner

    Practitioner.objects.filter(slug="tomasz-nowak").update(is_active=False)
    html = client.get("/practitioners/").content.decode()
    assert 'href="/practitioners/amara-okafor/"' in html
    assert "tomasz-nowak" not in html
    assert client.get("/practitioners/tomasz-nowak/").status_code == 404


def test_the_contact_page_has_access_and_parking_notes(client):
    html = client.get("/contact/").content.decode()
    assert 'href="mailto:hello@larkfield-clinic.example"' in html
    assert "Step-free entrance" in html
    assert "Blue Badge" in html
    assert 'id="visiting"' in html


def test_the_privacy_notice_names_the_controller_and_the_ico(client):
    html = client.get("/privacy/").content.decode()
    assert "ZA999999" in html
    assert "ico.org.uk" in html


def test_an_unknown_page_is_a_helpful_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We cannot find that page" in html
    assert 'href="/book/"' in html
    assert 'href="tel:02079460321"' in html


def test_the_500_page_renders_with_the_clinic_phone():
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "020 7946 0321" in response.content.decode()


def test_pages_refuse_posts(client):
    assert client.post("/").status_code == 405


def test_absolute_urls_come_from_site_url_not_the_host_header(client):
    html = client.get("/contact/", HTTP_HOST="localhost").content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}/contact/">' in html


@pytest.mark.parametrize(
    ("path", "queries"), [("/", 6), ("/practitioners/", 5), ("/practitioners/amara-okafor/", 5)]
)
def test_pages_read_the_clinic_once(client, django_assert_num_queries, path, queries):
    # clinic, opening hours, practitioners, and their registrations and renditions; the
    # home page also reads the articles its "What we treat" lines link to, in one query.
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


def _treats(html: str) -> list[str]:
    section = html.split('<h2 id="treats-title">What we treat</h2>')[1].split("</ul>")[0]
    return re.findall(r"<li>(.*?)</li>", section)


def test_what_we_treat_links_each_line_to_its_published_article(client):
    assert _treats(client.get("/").content.decode()) == [
        '<a href="/conditions/plantar-fasciitis/">Heel pain and plantar fasciitis</a>',
        '<a href="/conditions/ankle-sprain/">Ankle sprains and ankle impingement</a>',
        '<a href="/conditions/achilles-tendinopathy/">Achilles tendon pain</a>',
        '<a href="/conditions/mortons-neuroma/">Morton&#x27;s neuroma and forefoot pain</a>',
        '<a href="/conditions/ingrown-toenail/">Ingrown, thick and fungal toenails</a>',
        '<a href="/conditions/hallux-valgus/">Bunions and stiff big toes</a>',
        '<a href="/conditions/verruca/">Verrucas, corns and hard skin</a>',
        '<a href="/conditions/severs-disease/">Children&#x27;s foot and heel pain</a>',
    ]


def test_what_we_treat_matches_by_name_or_slug_and_leaves_the_rest_plain(client):
    from django.apps import apps

    from stride.site.models import Clinic

    Article = apps.get_model("library", "Article")  # the app above, read without importing it
    Article.objects.filter(condition="verruca").update(status="draft")
    Article.objects.filter(condition="gout").update(condition="", slug="gout-explained")
    Clinic.objects.update(treats="\n".join([
        "Plantar fasciitis",  # its own words name the condition
        "Verrucas | verruca",  # a draft: no page to link to yet
        "Gout and hot, swollen joints | gout-explained",  # an article with no condition
        "Nail cutting for older people",  # no article
        "Sore feet | <script>",  # a bad name is only a name that matches nothing
        "  ",
    ]))  # fmt: skip
    assert _treats(client.get("/").content.decode()) == [
        '<a href="/conditions/plantar-fasciitis/">Plantar fasciitis</a>',
        "Verrucas",
        '<a href="/articles/gout-explained/">Gout and hot, swollen joints</a>',
        "Nail cutting for older people",
        "Sore feet",
    ]


def test_a_clinic_that_lists_nothing_shows_no_what_we_treat(client):
    from stride.site.models import Clinic

    Clinic.objects.update(treats="")
    assert "What we treat" not in client.get("/").content.decode()
