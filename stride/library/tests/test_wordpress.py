"""Importing a WordPress export: conversion, the all-or-nothing import, and redirects."""

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from stride.core import markdown
from stride.library import services
from stride.library.models import Article, HeroRendition, Redirect
from stride.library.wordpress import (
    Item,
    WordPressImportError,
    html_to_markdown,
    old_paths,
    parse_export,
    summary_from,
    wordpress_import,
)
from stride.site.models import Practitioner

WXR = Path(__file__).parent / "wxr"
CLINIC = WXR / "clinic.xml"
UPLOADS = WXR / "uploads"
OLD_SITE = frozenset({"larkfieldfeet.co.uk"})
UNSAFE = re.compile(r"<script|<iframe|<style|\son\w+=|javascript:", re.I)


def run(path=CLINIC, **options):
    values = {"uploads": None, "region": "foot", "dry_run": False, "progress": None}
    return wordpress_import(path=path, **(values | options))


def convert(content, resolve_upload=lambda relative: None):
    return html_to_markdown(content, hosts=OLD_SITE, resolve_upload=resolve_upload)


def export_with(tmp_path, *items):
    """A minimal WXR file around the given <item> elements."""
    path = tmp_path / "export.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Old site</title>'
        "<link>https://www.larkfieldfeet.co.uk</link><wp:wxr_version>1.2</wp:wxr_version>"
        + "".join(items)
        + "</channel></rss>",
        encoding="utf-8",
    )
    return path


def item(post_id, title, content="<p>Some text.</p>", *, slug="", link="", extra=""):
    link = link or f"https://www.larkfieldfeet.co.uk/?p={post_id}"
    return (
        f"<item><title>{title}</title><link>{link}</link>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id><wp:post_name>{slug}</wp:post_name>"
        f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{extra}</item>"
    )


def publish(article):
    reviewer, _ = Practitioner.objects.get_or_create(
        slug="reviewer",
        defaults={"name": "Dr Reviewer", "role": "Podiatrist", "bio": "Reviews articles.",
                  "practising_since": 2005},
    )  # fmt: skip
    article.status = Article.Status.PUBLISHED
    article.reviewer = reviewer
    article.last_reviewed = dt.date(2026, 5, 1)
    article.next_review_due = dt.date(2027, 5, 1)
    article.save()
    return article


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_under(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


# Converting WordPress HTML ----------------------------------------------------------


def test_it_strips_gutenberg_block_comments():
    converted = convert(
        '<!-- wp:heading {"level":3} -->\n<h3 class="wp-block-heading">Causes</h3>\n'
        "<!-- /wp:heading -->\n\n<!-- wp:paragraph -->\n<p>Strain.</p>\n<!-- /wp:paragraph -->"
    )
    assert converted.markdown == "### Causes\n\nStrain.\n"


def test_it_makes_paragraphs_of_classic_editor_text_without_p_tags():
    converted = convert("First paragraph,\nsame paragraph.\n\nSecond paragraph.\n\n\nThird.")
    assert converted.markdown == (
        "First paragraph,\\\nsame paragraph.\n\nSecond paragraph.\n\nThird.\n"
    )
    assert markdown.render(converted.markdown).html.count("<p>") == 3


def test_it_keeps_blank_lines_inside_preformatted_text_of_classic_posts():
    converted = convert("Run this:\n\n<pre>stretch 1\n\nstretch 2</pre>")
    assert converted.markdown == "Run this:\n\n```\nstretch 1\n\nstretch 2\n```\n"


def test_it_keeps_the_content_of_a_caption_shortcode():
    converted = convert(
        '[caption id="attachment_9" align="alignleft" width="300"]'
        '<img src="/wp-content/uploads/a.jpg" alt="A bunion" width="300" height="200" />'
        " A bunion before surgery[/caption]",
        resolve_upload=lambda relative: f"/media/articles/imported/{relative}",
    )
    assert converted.markdown == (
        "![A bunion](/media/articles/imported/a.jpg) A bunion before surgery\n"
    )
    assert not converted.removed


def test_it_turns_a_youtube_embed_block_into_a_watch_on_youtube_link():
    converted = convert(
        '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=abc","type":"video",'
        '"providerNameSlug":"youtube"} -->\n<figure class="wp-block-embed is-provider-youtube">'
        '<div class="wp-block-embed__wrapper">\nhttps://www.youtube.com/watch?v=abc\n</div>'
        "<figcaption>Calf stretches</figcaption></figure>\n<!-- /wp:embed -->"
    )
    assert converted.markdown == (
        "Watch on YouTube: [https://www.youtube.com/watch?v=abc]"
        "(https://www.youtube.com/watch?v=abc)\n\nCalf stretches\n"
    )
    assert converted.embeds == 1


def test_it_turns_embed_shortcodes_bare_urls_and_players_into_plain_links():
    converted = convert(
        "[embed]https://youtu.be/xyz[/embed]\n\nhttps://vimeo.com/42\n\n"
        "https://twitter.com/clinic/status/1\n\n"
        '<iframe width="560" height="315" src="https://www.youtube.com/embed/q1w2e3?rel=0">'
        "</iframe>"
    )
    assert converted.markdown == (
        "Watch on YouTube: [https://youtu.be/xyz](https://youtu.be/xyz)\n\n"
        "Watch on Vimeo: [https://vimeo.com/42](https://vimeo.com/42)\n\n"
        "[https://twitter.com/clinic/status/1](https://twitter.com/clinic/status/1)\n\n"
        "Watch on YouTube: [https://www.youtube.com/watch?v=q1w2e3]"
        "(https://www.youtube.com/watch?v=q1w2e3)\n"
    )
    assert converted.embeds == 4
    assert "<iframe" not in markdown.render(converted.markdown).html


def test_it_removes_gallery_and_unknown_shortcodes_and_counts_them():
    converted = convert(
        '[gallery ids="1,2,3"]\n\n[contact-form-7 id="5" title="Form"]\n\n'
        '[su_note color="#eee"]Bring your shoes.[/su_note]\n\n[audio src="a.mp3"]'
    )
    assert converted.markdown == "Bring your shoes.\n"
    assert converted.removed == {
        "[gallery] shortcode": 1,
        "[contact-form-7] shortcode": 1,
        "[su_note] shortcode": 1,
        "[audio] shortcode": 1,
    }


def test_it_leaves_square_brackets_in_prose_alone():
    converted = convert("<p>Heel spurs [sic] are rare [see below] (ref [1]).</p>")
    assert converted.markdown == "Heel spurs \\[sic\\] are rare \\[see below\\] (ref \\[1\\]).\n"
    assert not converted.removed


def test_it_removes_scripts_event_handlers_and_javascript_links_and_counts_them():
    converted = convert(
        "<p>Hello</p><script>steal()</script><style>p{color:red}</style>"
        '<p onclick="x()"><a href="javascript:alert(1)">prices</a> and '
        '<a href=" JaVa\tScRiPt:alert(2)">offers</a></p><form action="/x"><input></form>'
    )
    assert converted.markdown == "Hello\n\nprices and offers\n"
    assert converted.removed == {
        "<script>": 1,
        "<style>": 1,
        "<form>": 1,
        "event handler": 1,
        "javascript: link": 2,
    }


def test_it_drops_tracking_pixels_and_images_from_other_hosts():
    converted = convert(
        '<p>Text<img src="https://www.larkfieldfeet.co.uk/wp-content/uploads/px.gif" '
        'width="1" height="1"><img src="https://pixel.tracker.example/t.gif?id=7" width="1" '
        'height="1"><img src="https://cdn.stock.example/feet.jpg" alt="Feet">'
        '<img src="data:image/gif;base64,R0lGOD" alt=""></p>',
        resolve_upload=lambda relative: f"/media/articles/imported/{relative}",
    )
    assert converted.markdown == "Text\n"
    assert converted.removed == {
        "tracking pixel": 2,
        "image from another host": 1,
        "image with a data: address": 1,
    }


def test_it_points_old_site_images_at_their_new_address_and_lists_the_missing():
    found = {"2023/05/heel.jpg": "/media/articles/imported/2023/05/heel.jpg"}
    converted = convert(
        '<p><img src="https://larkfieldfeet.co.uk/wp-content/uploads/2023/05/heel.jpg" alt="Heel">'
        '<img src="/wp-content/uploads/2023/05/gone.jpg" alt="Gone"></p>',
        resolve_upload=found.get,
    )
    assert converted.markdown == "![Heel](/media/articles/imported/2023/05/heel.jpg)\n"
    assert converted.missing_images == ("/wp-content/uploads/2023/05/gone.jpg",)


def test_it_converts_the_tags_an_article_uses_to_markdown():
    converted = convert(
        "<h1>Title</h1><h2>Section</h2><h4>Detail</h4><h6>Small</h6>"
        '<p>Some <strong>bold</strong>, <b>also bold</b>, <em>soft</em> and <a href="/x/" '
        'title="More">a link</a>.<br>Next line.</p><ul><li>One</li><li>Two<ol><li>Two a</li>'
        "</ol></li></ul><blockquote><p>Quoted.</p><p>Twice.</p></blockquote><hr>"
        "<p>Call <code>999</code>.</p>"
    )
    assert converted.markdown == (
        "## Title\n\n## Section\n\n#### Detail\n\n#### Small\n\n"
        'Some **bold**, **also bold**, *soft* and [a link](/x/ "More").\\\nNext line.\n\n'
        "- One\n- Two\n  1. Two a\n\n> Quoted.\n>\n> Twice.\n\n---\n\nCall `999`.\n"
    )


def test_it_keeps_tables_as_html():
    converted = convert(
        "<table>\n<tr><th>Treatment</th><th>Price</th></tr>\n"
        "<tr><td>Nail surgery</td><td>£350</td></tr>\n</table>"
    )
    assert converted.markdown == (
        "<table><tbody><tr><th>Treatment</th><th>Price</th></tr>"
        "<tr><td>Nail surgery</td><td>£350</td></tr></tbody></table>\n"
    )
    assert "<td>Nail surgery</td>" in markdown.render(converted.markdown).html


def test_it_escapes_text_that_markdown_would_read_as_markup():
    converted = convert(
        "<p>1. Not a list</p><p># Not a heading</p><p>- Not a bullet</p>"
        "<p>*stars* and _underscores_ and &lt;script&gt; and &amp;copy;</p>"
    )
    rendered = markdown.render(converted.markdown).html
    assert rendered == (
        "<p>1. Not a list</p>\n<p># Not a heading</p>\n<p>- Not a bullet</p>\n"
        "<p>*stars* and _underscores_ and &lt;script&gt; and &amp;copy;</p>\n"
    )


def test_it_survives_damaged_html_without_hanging_or_crashing():
    damaged = "<!-- wp:paragraph " * 20000 + "<ul><li>" * 3000 + "text"
    converted = convert(damaged)
    assert converted.markdown == "\n"  # an unclosed comment hides the rest, as in a browser
    assert convert("<ul><li>" * 3000 + "deep text").markdown.endswith("deep text\n")


def test_the_summary_is_the_excerpt_cut_at_a_word_boundary():
    excerpt = "<p>Pain at the back of the ankle. " + "Dancers and footballers get it. " * 10
    summary = summary_from(excerpt=excerpt, body="Body.", title="Title")
    assert summary.startswith("Pain at the back of the ankle. Dancers")
    assert len(summary) <= 200
    assert summary.endswith("…")
    assert summary[:-1] == summary[:-1].rstrip()
    assert excerpt.startswith("<p>" + summary[:-1])


def test_the_summary_without_an_excerpt_is_the_first_sentences_of_the_text():
    body = (
        "## Intro\n\nVerrucas are warts on the sole of the foot. Many go away on their own. "
        + "They can hurt when you walk on them for a long time. " * 5
    )
    summary = summary_from(excerpt="", body=body, title="Verrucas")
    assert summary == (
        "Verrucas are warts on the sole of the foot. Many go away on their own. "
        "They can hurt when you walk on them for a long time. "
        "They can hurt when you walk on them for a long time."
    )
    assert summary_from(excerpt="", body="", title="Verrucas") == "Verrucas"


def test_old_paths_are_the_permalink_and_each_old_slug_with_its_date_prefix():
    post = Item(
        post_id=7, post_type="post", status="publish", title="Heel pain", slug="heel-pain",
        link="https://old.example/2023/05/heel-pain", content="", excerpt="", password=False,
        attachment_url="", tags=(), categories=(),
        meta={"_wp_old_slug": ("heel-pain-advice", "sore-heels")},
    )  # fmt: skip
    assert old_paths(post) == [
        "/2023/05/heel-pain/",
        "/heel-pain-advice/",
        "/2023/05/heel-pain-advice/",
        "/sore-heels/",
        "/2023/05/sore-heels/",
    ]


def test_parsing_reads_the_wordpress_namespaces():
    export = parse_export(CLINIC.read_bytes())
    heel = next(i for i in export.items if i.post_id == 101)
    assert export.hosts == {"larkfieldfeet.co.uk"}
    assert (heel.post_type, heel.status, heel.slug) == ("post", "publish", "heel-pain")
    assert heel.content.startswith("<!-- wp:paragraph -->")
    assert heel.tags == ("plantar fasciitis", "heel spur")
    assert heel.categories == ("Foot care",)
    assert heel.meta_value("_thumbnail_id") == "201"
    assert next(i for i in export.items if i.post_id == 103).excerpt.startswith("Pain at the")


# The import --------------------------------------------------------------------------


def test_it_imports_posts_and_pages_as_drafts_with_their_fields(db):
    report = run()
    assert len(report.imported) == 8
    heel = Article.objects.get(slug="heel-pain")
    assert heel.title == "Heel pain: what helps"
    assert heel.region == "foot"
    assert heel.condition == ""
    assert heel.sources == ""
    assert heel.summary == (
        "Heel pain is one of the commonest problems we see. "
        "Most people get better with simple care at home."
    )
    assert heel.body.startswith("Heel pain is one of the commonest problems we see.")
    assert heel.get_absolute_url() == "/articles/heel-pain/"
    impingement = Article.objects.get(slug="posterior-ankle-impingement")
    assert impingement.summary == (
        "Pain at the back of the ankle when you point your toes: common in dancers."
    )
    assert Article.objects.get(slug="about-us").title == "About our clinic"


def test_it_never_publishes_anything(db):
    run()
    assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.DRAFT}
    assert Article.objects.count() == 8


def test_it_uses_the_region_it_is_given(db):
    run(region="heel")
    assert set(Article.objects.values_list("region", flat=True)) == {"heel"}


def test_it_rejects_a_region_that_does_not_exist(db):
    with pytest.raises(WordPressImportError, match="'toes' is not a region"):
        run(region="toes")
    assert not Article.objects.exists()


def test_it_skips_and_reports_trash_attachments_menus_revisions_and_custom_types(db):
    report = run()
    assert report.skipped == [
        "post 107 'Christmas opening hours': in the trash",
        "post 110 'Auto Draft': status 'auto-draft'",
        "attachment 201 'Calf stretch': attachment (its file is used for featured images)",
        "attachment 202 'Plantar fascia diagram': attachment (its file is used for featured "
        "images)",
        "attachment 203 '(no title)': attachment (its file is used for featured images)",
        "nav_menu_item 301 'Home': menu item",
        "revision 302 'Heel pain: what helps': revision",
        "wpcf7_contact_form 303 'Contact form 1': content type 'wpcf7_contact_form'",
    ]
    assert not Article.objects.filter(title__in=["Christmas opening hours", "Home"]).exists()
    assert not Redirect.objects.filter(wordpress_id__in=[107, 201, 301, 302, 303]).exists()


def test_it_gives_an_untitled_post_a_title_and_summary_staff_can_find(db, tmp_path):
    run(path=export_with(tmp_path, item(5, "", "")))
    article = Article.objects.get()
    assert (article.title, article.slug) == (
        "Untitled WordPress post 5",
        "untitled-wordpress-post-5",
    )
    assert article.summary == "Untitled WordPress post 5"
    article.full_clean()


def test_it_flags_password_protected_posts(db, tmp_path):
    secret = "<wp:post_password>letmein</wp:post_password>"
    report = run(path=export_with(tmp_path, item(5, "Members only", extra=secret)))
    assert report.private == ["post 5 'Members only'"]
    assert Article.objects.get().status == Article.Status.DRAFT


def test_it_reads_older_wxr_versions(db, tmp_path):
    path = export_with(tmp_path, item(5, "Old export"))
    path.write_text(path.read_text().replace("export/1.2/", "export/1.1/"))
    run(path=path)
    assert Article.objects.get().title == "Old export"


def test_it_flags_private_posts_and_imports_them_as_drafts(db):
    report = run()
    assert report.private == ["post 104 'Notes for staff: new referral pathway'"]
    assert Article.objects.get(slug="notes-for-staff").status == Article.Status.DRAFT
    assert "Private or password-protected on WordPress" in "\n".join(report.lines())


def test_imported_articles_render_with_no_script_player_handler_or_javascript_link(db, media):
    report = run(uploads=UPLOADS)
    for article in Article.objects.all():
        rendered = markdown.render(article.body).html
        assert not UNSAFE.search(rendered), article.slug
        assert not UNSAFE.search(article.body), article.slug
    heel = markdown.render(Article.objects.get(slug="heel-pain").body).html
    assert "tracker.example" not in heel
    assert "Watch on YouTube" in heel
    assert report.removed[0] == (
        "post 101 'Heel pain: what helps': <script> (1), [gallery] shortcode (1), "
        "event handler (1), javascript: link (1), tracking pixel (1)"
    )
    assert report.embeds == [
        "post 101 'Heel pain: what helps': 1",
        "post 102 'Ingrown toenails': 2",
    ]


def test_it_turns_a_classic_post_into_markdown(db, media):
    run(uploads=UPLOADS)
    assert Article.objects.get(slug="ingrown-toenails").body == (
        "An ingrown toenail happens when the edge of the nail grows into the skin.\\\n"
        "It can be painful and sometimes gets infected.\n\n"
        "## How we treat it\n\n"
        "Most people need a **small procedure** under local anaesthetic. "
        "It takes *about an hour*.\n\n"
        "![A toenail after treatment](/media/articles/imported/2022/11/toenail.jpg) "
        "Six weeks after treatment\n\n"
        "Watch on YouTube: [https://youtu.be/abc123XYZ\\_0](https://youtu.be/abc123XYZ_0)\n\n"
        "Watch on Vimeo: [https://vimeo.com/123456](https://vimeo.com/123456)\n\n"
        "<table><tbody><tr><th>Treatment</th><th>Price</th></tr>"
        "<tr><td>Nail surgery</td><td>£350</td></tr></tbody></table>\n\n"
        "Call us on 020 7946 0321 \\[sic\\] if the toe is red & hot.\n"
    )


def test_it_puts_tags_into_aka_and_reports_categories(db):
    report = run()
    assert Article.objects.get(slug="heel-pain").aka_list == ["plantar fasciitis", "heel spur"]
    assert Article.objects.get(slug="ingrown-toenails").aka == "ingrowing toenail"
    assert report.categories == {"Foot care": 2, "Nail care": 1, "Uncategorized": 1}
    assert "  Foot care (2)" in report.lines()


def test_it_makes_the_slug_from_the_title_when_the_post_has_none(db):
    run()
    assert Article.objects.filter(title="Posterior ankle impingement").get().slug == (
        "posterior-ankle-impingement"
    )


def test_it_appends_a_number_when_the_slug_is_taken(db, tmp_path):
    Article.objects.create(title="Ours", slug="ingrown-toenails", summary="S", body="B",
                           region="nails")  # fmt: skip
    report = run(path=export_with(
        tmp_path,
        item(1, "Ingrown toenails", slug="ingrown-toenails"),
        item(2, "Ingrown toenails again", slug="ingrown-toenails"),
    ))  # fmt: skip
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "ingrown-toenails", "ingrown-toenails-2", "ingrown-toenails-3",
    ]  # fmt: skip
    assert Article.objects.get(slug="ingrown-toenails").title == "Ours"
    assert report.slugs_changed == [
        "post 1 'Ingrown toenails': 'ingrown-toenails' is taken, so 'ingrown-toenails-2'",
        "post 2 'Ingrown toenails again': 'ingrown-toenails' is taken, so 'ingrown-toenails-3'",
    ]


def test_running_it_again_imports_nothing_twice(db, media):
    first = run(uploads=UPLOADS)
    files = files_under(media)
    heel = Article.objects.get(slug="heel-pain")
    heel.body = "Edited by staff."
    heel.save()
    second = run(uploads=UPLOADS)
    assert len(first.imported) == 8
    assert second.imported == []
    assert len(second.already_imported) == 8
    assert "post 101 'Heel pain: what helps' → /articles/heel-pain/" in second.already_imported
    assert Article.objects.count() == 8
    assert Article.objects.get(slug="heel-pain").body == "Edited by staff."
    assert files_under(media) == files


def test_it_records_redirects_from_the_permalink_old_slugs_and_post_id(db):
    run()
    heel = Article.objects.get(slug="heel-pain")
    assert sorted(heel.redirects.values_list("old_path", "wordpress_id")) == [
        ("/2023/05/heel-pain-advice/", 101),
        ("/2023/05/heel-pain/", 101),
        ("/?p=101", 101),
        ("/heel-pain-advice/", 101),
    ]
    about = Article.objects.get(slug="about-us")
    assert sorted(about.redirects.values_list("old_path", flat=True)) == [
        "/?page_id=106",
        "/about-us/",
    ]
    # A draft on WordPress never had a permalink: only its ?p= address.
    draft = Article.objects.get(slug="posterior-ankle-impingement")
    assert list(draft.redirects.values_list("old_path", flat=True)) == ["/?p=103"]


def test_it_does_not_store_a_path_that_stride_routes_itself(db):
    report = run()
    contact = Article.objects.get(slug="contact")
    assert list(contact.redirects.values_list("old_path", flat=True)) == ["/?page_id=105"]
    assert not Redirect.objects.filter(old_path="/contact/").exists()
    assert report.clashes == ["page 105 'Contact': /contact/ is a page of Stride's own"]


def test_it_does_not_overwrite_a_redirect_stored_for_another_article(db):
    ours = Article.objects.create(title="Heel pain", slug="our-heel-pain", summary="S",
                                  body="B", region="heel")  # fmt: skip
    Redirect.objects.create(old_path="/2023/05/heel-pain/", article=ours)
    report = run()
    assert Redirect.objects.get(old_path="/2023/05/heel-pain/").article == ours
    assert (
        "post 101 'Heel pain: what helps': /2023/05/heel-pain/ already leads to 'Heel pain'"
        in report.clashes
    )
    assert Redirect.objects.filter(old_path="/heel-pain-advice/", wordpress_id=101).exists()


def test_two_posts_claiming_one_old_path_keep_the_first(db, tmp_path):
    report = run(path=export_with(
        tmp_path,
        item(1, "First", slug="first", link="https://www.larkfieldfeet.co.uk/same/"),
        item(2, "Second", slug="second", link="https://www.larkfieldfeet.co.uk/same"),
    ))  # fmt: skip
    assert Redirect.objects.get(old_path="/same/").article.slug == "first"
    assert report.clashes == ["post 2 'Second': /same/ already leads to post 1 'First'"]


# Images ------------------------------------------------------------------------------


def test_it_copies_uploaded_images_into_media_and_points_the_body_at_them(db, media):
    run(uploads=UPLOADS)
    body = Article.objects.get(slug="heel-pain").body
    assert (
        "![The plantar fascia under the foot](/media/articles/imported/2023/05/plantar-fascia.jpg)"
        in body
    )
    copied = media / "articles/imported/2023/05/plantar-fascia.jpg"
    assert copied.read_bytes() == (UPLOADS / "2023/05/plantar-fascia.jpg").read_bytes()
    assert "larkfieldfeet.co.uk/wp-content" not in body
    assert '<img src="/media/articles/imported/2023/05/plantar-fascia.jpg"' in (
        markdown.render(body).html
    )


def test_it_falls_back_to_the_original_of_a_resized_image_and_reports_missing_ones(db, media):
    report = run(uploads=UPLOADS)
    assert "toenail.jpg" in Article.objects.get(slug="ingrown-toenails").body
    assert report.missing_images == [
        "post 102 'Ingrown toenails': https://www.larkfieldfeet.co.uk/wp-content/uploads/"
        "2022/11/missing-photo.jpg: not found in the uploads folder"
    ]
    assert "missing-photo" not in Article.objects.get(slug="ingrown-toenails").body


def test_without_uploads_it_drops_and_reports_every_image(db, media):
    report = run(uploads=None)
    assert not any("![" in body for body in Article.objects.values_list("body", flat=True))
    assert not Article.objects.exclude(hero_image="").exists()
    assert len(report.missing_images) == 5
    assert all("no --uploads given" in line for line in report.missing_images)
    assert files_under(media) == []


def test_the_featured_image_becomes_the_hero_with_its_alt_text_and_renditions(db, media):
    run(uploads=UPLOADS)
    heel = Article.objects.get(slug="heel-pain")
    assert heel.hero_image.name == "articles/imported/2023/05/calf-stretch.jpg"
    assert heel.hero_alt == "A runner stretching her calf against a wall"
    heel.full_clean()
    renditions = list(HeroRendition.objects.filter(article=heel))
    assert [r.width for r in renditions] == [480, 640]
    with Image.open(renditions[0].image.path) as image:
        assert image.size == (480, 300)


def test_a_featured_image_without_alt_text_is_described_by_its_title(db, media):
    run(uploads=UPLOADS)
    about = Article.objects.get(slug="about-us")
    assert about.hero_image.name == "articles/imported/2023/05/plantar-fascia.jpg"
    assert about.hero_alt == "Plantar fascia diagram"


def test_a_featured_image_with_no_description_is_left_out_and_reported(db, media):
    report = run(uploads=UPLOADS)
    assert not Article.objects.get(slug="verruca-treatment").hero_image
    assert report.hero_images == [
        "post 108 'Verruca treatment': featured image has no description (alt text or title), "
        "so none set"
    ]


def test_a_featured_image_missing_from_the_export_is_reported(db, media, tmp_path):
    thumbnail = (
        "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
        "<wp:meta_value>404</wp:meta_value></wp:postmeta>"
    )
    report = run(uploads=UPLOADS, path=export_with(tmp_path, item(5, "Corns", extra=thumbnail)))
    assert report.hero_images == ["post 5 'Corns': featured image 404 is not in the export"]
    assert not Article.objects.get().hero_image


def test_it_never_reads_a_file_outside_the_uploads_folder(db, media, tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    Image.new("RGB", (8, 8)).save(tmp_path / "secret.jpg")
    report = run(
        uploads=uploads,
        path=export_with(tmp_path, item(1, "Sneaky", (
            '<p><img src="/wp-content/uploads/../secret.jpg" alt="a">'
            '<img src="/wp-content/uploads/%2e%2e/secret.jpg" alt="b"></p>'
        ))),
    )  # fmt: skip
    assert len(report.missing_images) == 2
    assert "secret" not in Article.objects.get().body
    assert files_under(media) == []


def test_a_file_that_is_not_an_image_is_not_copied(db, media, tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "fake.jpg").write_text("<?php system($_GET['c']); ?>")
    report = run(
        uploads=uploads,
        path=export_with(tmp_path, item(1, "Fake", '<img src="/wp-content/uploads/fake.jpg">')),
    )
    assert len(report.missing_images) == 1
    assert files_under(media) == []


# All or nothing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        pytest.param("malformed.xml", "not well-formed XML", id="malformed"),
        pytest.param("billion-laughs.xml", "declares XML entities", id="billion-laughs"),
        pytest.param("external-entity.xml", "declares XML entities", id="external-entity"),
        pytest.param("not-wxr.xml", r"not a WordPress export \(WXR\)", id="plain-rss"),
        pytest.param("missing-post-id.xml", r"item 2 \('Bunions'\) has no", id="no-post-id"),
    ],
)
def test_it_imports_nothing_from_a_broken_or_hostile_file(db, fixture, message):
    with pytest.raises(WordPressImportError, match=message):
        run(path=WXR / fixture)
    assert not Article.objects.exists()
    assert not Redirect.objects.exists()


def test_it_imports_nothing_when_the_xml_is_malformed(db):
    with pytest.raises(WordPressImportError) as caught:
        run(path=WXR / "malformed.xml")
    assert str(caught.value) == (
        "The file is not well-formed XML (unclosed CDATA section: line 20, column 0)."
    )
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("post_ids", "message"),
    [
        pytest.param(("7", "7"), "post_id 7 repeats", id="repeated"),
        pytest.param(("7", "seven"), r"item 2 \('Post seven'\) has wp:post_id 'seven'", id="word"),
        pytest.param(("7", "99999999999"), "has wp:post_id '99999999999'", id="too-big"),
    ],
)
def test_it_imports_nothing_when_post_ids_are_not_usable(db, tmp_path, post_ids, message):
    items = [
        item(post_id, f"Post {n}") for n, post_id in zip(["one", "seven"], post_ids, strict=True)
    ]
    with pytest.raises(WordPressImportError, match=message):
        run(path=export_with(tmp_path, *items))
    assert not Article.objects.exists()


def test_it_imports_nothing_when_an_item_has_no_post_id_even_if_others_are_fine(db):
    with pytest.raises(WordPressImportError) as caught:
        run(path=WXR / "missing-post-id.xml")
    assert str(caught.value) == "The export is damaged: item 2 ('Bunions') has no wp:post_id."
    assert not Article.objects.filter(slug="heel-pain").exists()


def test_a_failure_part_way_leaves_no_articles_no_redirects_and_no_files(db, media, monkeypatch):
    def broken(*, article):
        raise OSError("disk full")

    monkeypatch.setattr(services, "article_hero_renditions_refresh", broken)
    with pytest.raises(OSError, match="disk full"):
        run(uploads=UPLOADS)
    assert not Article.objects.exists()
    assert not Redirect.objects.exists()
    assert files_under(media) == []


def test_an_article_added_while_it_runs_makes_it_import_nothing(db, media, monkeypatch):
    refresh = services.article_hero_renditions_refresh

    def meanwhile(*, article):  # someone saves an article the import planned to create
        Article.objects.create(title="Nails", slug="ingrown-toenails", summary="S", body="B",
                               region="nails")  # fmt: skip
        return refresh(article=article)

    monkeypatch.setattr(services, "article_hero_renditions_refresh", meanwhile)
    with pytest.raises(WordPressImportError, match="Run it again"):
        run(uploads=UPLOADS)
    assert not Article.objects.exists()
    assert files_under(media) == []


def test_a_dry_run_writes_nothing_but_reports_everything(db, media):
    lines: list[str] = []
    report = run(uploads=UPLOADS, dry_run=True, progress=lines.append)
    assert not Article.objects.exists()
    assert not Redirect.objects.exists()
    assert files_under(media) == []
    assert len(report.imported) == 8
    assert report.clashes == ["page 105 'Contact': /contact/ is a page of Stride's own"]
    assert report.lines()[:2] == [
        "Dry run: nothing was written.",
        "8 would be imported as drafts, 8 skipped, 0 already imported.",
    ]
    assert lines[0] == "[1/16] post 101 'Heel pain: what helps' → draft /articles/heel-pain/"


# The command -------------------------------------------------------------------------


def test_the_command_prints_a_line_per_item_and_the_report(db):
    out = StringIO()
    call_command("import-wordpress", str(CLINIC), stdout=out)
    text = out.getvalue()
    assert "[1/16] post 101 'Heel pain: what helps' → draft /articles/heel-pain/\n" in text
    assert "[7/16] post 107 'Christmas opening hours' skipped: in the trash\n" in text
    assert "8 imported as drafts, 8 skipped, 0 already imported.\n" in text
    assert "Old addresses not redirected:\n  page 105 'Contact': /contact/" in text
    assert "Every imported article is a draft" in text
    out = StringIO()
    call_command("import-wordpress", str(CLINIC), stdout=out)
    assert "[1/16] post 101 'Heel pain: what helps' already imported → /articles/heel-pain/" in (
        out.getvalue()
    )


def test_the_command_is_quiet_at_verbosity_0(db):
    out = StringIO()
    call_command("import-wordpress", str(CLINIC), "--verbosity", "0", stdout=out)
    assert out.getvalue() == ""
    assert Article.objects.count() == 8


def test_the_command_dry_run_writes_nothing(db):
    out = StringIO()
    call_command("import-wordpress", str(CLINIC), "--dry-run", "--region", "heel", stdout=out)
    assert "Dry run: nothing was written." in out.getvalue()
    assert not Article.objects.exists()


def test_the_command_fails_naming_the_problem(db):
    with pytest.raises(CommandError, match=r"not a WordPress export.*Nothing was imported"):
        call_command("import-wordpress", str(WXR / "not-wxr.xml"), stdout=StringIO())
    with pytest.raises(CommandError, match="'toes' is not a region"):
        call_command("import-wordpress", str(CLINIC), "--region", "toes", stdout=StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import-wordpress", str(WXR / "nowhere.xml"), stdout=StringIO())
    assert not Article.objects.exists()


# Redirects, once published -----------------------------------------------------------


def test_a_published_import_answers_its_old_addresses_with_301(db, client):
    run()
    publish(Article.objects.get(slug="heel-pain"))
    for old in ["/2023/05/heel-pain/", "/2023/05/heel-pain", "/heel-pain-advice/",
                "/2023/05/heel-pain-advice/", "/?p=101"]:  # fmt: skip
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == "/articles/heel-pain/", old
    page = client.get("/articles/heel-pain/")
    assert page.status_code == 200
    assert b"Watch on YouTube" in page.content
    assert b"<iframe" not in page.content
    assert b"tracker.example" not in page.content


def test_an_unpublished_import_redirects_nowhere(db, client):
    run()
    assert client.get("/about-us/").status_code == 404
    assert client.get("/articles/about-us/").status_code == 404
    home = client.get("/?page_id=106")
    assert home.status_code == 200
    assert "site/home.html" in [t.name for t in home.templates]


def test_strides_own_contact_page_wins_over_the_imported_one(db, client):
    run()
    publish(Article.objects.get(slug="contact"))
    response = client.get("/contact/")
    assert response.status_code == 200
    assert "site/contact.html" in [t.name for t in response.templates]
    response = client.get("/?page_id=105")
    assert response.status_code == 301
    assert response["Location"] == "/articles/contact/"
