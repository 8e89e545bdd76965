"""Import a WordPress export (WXR) into draft articles, with redirects from the old URLs.

Three stages, so that a bad file imports nothing: ``parse_export`` reads and checks the
whole file (defusedxml: no entity tricks), ``html_to_markdown`` turns a post's HTML into
safe Markdown (pure functions, no database), and ``wordpress_import`` plans every item
before it writes any, all in one transaction. Nothing is published: a clinician reviews
each imported article first, and its redirects answer only once it is published.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from xml.etree.ElementTree import Element

import nh3
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import ParseError, fromstring  # type: ignore[import-untyped]
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils.text import get_valid_filename, slugify
from PIL import Image

from stride import knowledge
from stride.core import markdown
from stride.library import services
from stride.library.models import Article, Redirect

IMPORT_DIR = "articles/imported"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
IMPORTED_TYPES = {"post", "page"}
IMPORTED_STATUSES = {"publish", "draft", "pending", "private", "future"}
SKIPPED_TYPES = {
    "attachment": "attachment (its file is used for featured images)",
    "nav_menu_item": "menu item",
    "revision": "revision",
}
SUMMARY_LENGTH = 200
_WP_NS = re.compile(r"\{(http://wordpress\.org/export/1\.\d+/)\}wxr_version$")
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_PROVIDERS = {"youtube.com": "Watch on YouTube", "youtu.be": "Watch on YouTube",
              "vimeo.com": "Watch on Vimeo"}  # fmt: skip


class WordPressImportError(ValueError):
    """The export cannot be imported; nothing was written."""


# Parsing -------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    post_id: int
    post_type: str
    status: str
    title: str
    slug: str
    link: str
    content: str
    excerpt: str
    password: bool
    attachment_url: str
    tags: tuple[str, ...]
    categories: tuple[str, ...]
    meta: Mapping[str, tuple[str, ...]]

    def meta_value(self, key: str) -> str:
        return next(iter(self.meta.get(key, ())), "")

    @property
    def label(self) -> str:
        return f"{self.post_type} {self.post_id} '{self.title or '(no title)'}'"


@dataclass(frozen=True)
class Export:
    hosts: frozenset[str]
    items: tuple[Item, ...]


def _host(url: str) -> str:
    host = urlsplit(url.strip()).hostname or ""
    return host.removeprefix("www.")


def _text(element: Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _terms(element: Element, domain: str) -> tuple[str, ...]:
    names = (html.unescape(c.text or "").strip() for c in element.findall("category")
             if c.get("domain") == domain)  # fmt: skip
    return tuple(dict.fromkeys(n for n in names if n))


def _item(element: Element, position: int, wp: str) -> Item:
    title = html.unescape(re.sub(r"<[^>]*>", "", _text(element, "title"))).strip()
    where = f"item {position}" + (f" ('{title}')" if title else "")
    raw_id = _text(element, wp + "post_id")
    if not raw_id:
        raise WordPressImportError(f"The export is damaged: {where} has no wp:post_id.")
    if not re.fullmatch(r"[1-9]\d{0,8}", raw_id):  # what Redirect.wordpress_id can hold
        raise WordPressImportError(f"The export is damaged: {where} has wp:post_id {raw_id!r}.")
    values = {key: _text(element, wp + key) for key in ("post_type", "status")}
    for key, value in values.items():
        if not value:
            raise WordPressImportError(f"The export is damaged: {where} has no wp:{key}.")
    meta: dict[str, tuple[str, ...]] = {}
    for row in element.findall(wp + "postmeta"):
        key = _text(row, wp + "meta_key")
        meta[key] = (*meta.get(key, ()), _text(row, wp + "meta_value"))
    return Item(
        post_id=int(raw_id), post_type=values["post_type"], status=values["status"], title=title,
        slug=_text(element, wp + "post_name"), link=_text(element, "link"),
        content=_text(element, _CONTENT), excerpt=_text(element, f"{{{wp[1:-1]}excerpt/}}encoded"),
        password=bool(_text(element, wp + "post_password")),
        attachment_url=_text(element, wp + "attachment_url"),
        tags=_terms(element, "post_tag"), categories=_terms(element, "category"), meta=meta,
    )  # fmt: skip


def parse_export(data: bytes) -> Export:
    """Read and check a whole WXR file; any structural problem raises, naming the item."""
    try:
        root = fromstring(data)
    except DefusedXmlException as exc:
        raise WordPressImportError(
            "The file declares XML entities or external references, which a WordPress export "
            f"never does; refusing it ({type(exc).__name__})."
        ) from exc
    except ParseError as exc:  # its message names the line and column
        raise WordPressImportError(f"The file is not well-formed XML ({exc}).") from exc
    channel = root.find("channel") if root.tag == "rss" else None
    found = [m for el in (channel if channel is not None else []) if (m := _WP_NS.match(el.tag))]
    if channel is None or not found:
        raise WordPressImportError(
            "This is not a WordPress export (WXR): it needs <rss><channel> with a "
            "wp:wxr_version. In WordPress use Tools → Export → All content."
        )
    wp = "{" + found[0].group(1) + "}"
    items = tuple(_item(el, n, wp) for n, el in enumerate(channel.findall("item"), start=1))
    seen: set[int] = set()
    for item in items:
        if item.post_id in seen:
            raise WordPressImportError(f"The export is damaged: post_id {item.post_id} repeats.")
        seen.add(item.post_id)
    links = [_text(channel, tag) for tag in ("link", wp + "base_site_url", wp + "base_blog_url")]
    return Export(hosts=frozenset(filter(None, map(_host, links))), items=items)


# Conversion: WordPress HTML to safe Markdown ----------------------------------------

# Bounded, so a damaged file of unclosed blocks cannot take quadratic time.
_EMBED_BLOCK = re.compile(
    r"<!--\s*wp:(?:core-)?embed(?:/[\w-]+)?\s*(\{[^>]{0,4000}\})?\s*/?-->(.{0,4000}?)"
    r"<!--\s*/wp:(?:core-)?embed(?:/[\w-]+)?\s*-->",
    re.S,
)
_EMBED_SHORTCODE = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.S | re.I)
_YOUTUBE_IFRAME = re.compile(
    r"<iframe\b[^>]*?\bsrc=[\"'](?:https?:)?//(?:www\.)?youtube(?:-nocookie)?\.com/embed/"
    r"([\w-]+)[^>]*>.*?</iframe>",
    re.S | re.I,
)
_BARE_URL = re.compile(r"^[ \t]*(?:<p>)?[ \t]*(https?://[^\s<>\"]+)[ \t]*(?:</p>)?[ \t]*$", re.M)
_CAPTION = re.compile(r"\[(?:wp_)?caption\b[^\]]*\](.*?)\[/(?:wp_)?caption\]", re.S | re.I)
_SHORTCODE = re.compile(r"\[(/?)([A-Za-z][\w-]*)((?:\s[^\]]*)?)/?\]")
_CORE_SHORTCODES = {"gallery", "audio", "video", "playlist", "embed"}
_AUTOP_BLOCKS = (
    "table|thead|tfoot|caption|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|blockquote|"
    "address|p|h[1-6]|hr|figure|figcaption|section|article|aside|header|footer|iframe|script|style"
)
_AUTOP_START = re.compile(rf"^</?(?:{_AUTOP_BLOCKS})\b", re.I)
_ACTIVE = {"script", "style", "iframe", "object", "embed", "form", "svg", "video", "audio"}


@dataclass(frozen=True)
class Converted:
    markdown: str
    embeds: int
    removed: Counter[str]
    missing_images: tuple[str, ...]


def _strip_comments(text: str) -> str:
    """Drop every comment (Gutenberg's block markers, <!--more-->) in one linear pass."""
    first, *rest = text.split("<!--")
    return first + "".join(part.partition("-->")[2] for part in rest)  # unclosed: to the end


def _embed_link(url: str, caption: str = "") -> str:
    url = html.unescape(re.sub(r"<[^>]*>", "", url)).strip()
    if not re.match(r"https?://\S+$", url):
        return ""
    host = _host(url)
    label = next((v for k, v in _PROVIDERS.items() if host == k or host.endswith("." + k)), "")
    link = f'<a href="{html.escape(url)}">{html.escape(url)}</a>'
    extra = f"<p>{caption}</p>" if caption.strip() else ""
    return f"<p>{label}: {link}</p>{extra}" if label else f"<p>{link}</p>{extra}"


def _embed_block(match: re.Match[str]) -> str:
    try:
        url = str(json.loads(match.group(1) or "{}").get("url", ""))
    except (ValueError, AttributeError):
        url = ""
    inner = match.group(2)
    if not url and (found := re.search(r"https?://[^\s<>\"]+", inner)):
        url = found.group(0)
    caption = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", inner, re.S)
    return _embed_link(url, caption.group(1) if caption else "")


def _embeds(text: str) -> tuple[str, int]:
    """Embedded players become plain links: the page loads nothing from other hosts."""
    count = 0
    for pattern, replace in (
        (_EMBED_BLOCK, _embed_block),
        (_EMBED_SHORTCODE, lambda m: _embed_link(m.group(1))),
        (_YOUTUBE_IFRAME, lambda m: _embed_link(f"https://www.youtube.com/watch?v={m.group(1)}")),
        (_BARE_URL, lambda m: _embed_link(m.group(1))),
    ):
        text, n = pattern.subn(replace, text)
        count += n
    return text, count


def _shortcodes(text: str, removed: Counter[str]) -> str:
    """Drop shortcodes (keeping text they enclose); ``[sic]`` and ``[see below]`` stay."""
    text = _CAPTION.sub(r"\1", text)
    closed = {m.lower() for m in re.findall(r"\[/([A-Za-z][\w-]*)\]", text)}

    def replace(match: re.Match[str]) -> str:
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
        plugin_like = re.search(r"[-_]", name) or re.search(r"[=\"]", attrs)
        if not (plugin_like or name in _CORE_SHORTCODES or name in closed):
            return match.group(0)
        if not closing:
            removed[f"[{name}] shortcode"] += 1
        return ""

    return _SHORTCODE.sub(replace, text)


def autop(text: str) -> str:
    """WordPress's wpautop, simplified: blank lines make paragraphs, newlines make <br>."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:  # <pre> keeps its lines, as in WordPress
        kept.append(match[0])
        return f"<pre>{len(kept) - 1}</pre>"

    text = re.sub(r"<pre\b.*?</pre>", keep, text.replace("\r\n", "\n"), flags=re.S | re.I)
    text = re.sub(rf"(<(?:{_AUTOP_BLOCKS})\b[^>]*>)", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</(?:{_AUTOP_BLOCKS})>)", r"\1\n\n", text, flags=re.I)
    out = []
    for chunk in (c.strip() for c in re.split(r"\n\s*\n", text)):
        if chunk and not _AUTOP_START.match(chunk):
            chunk = "<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>"
        out.append(chunk)
    return re.sub(r"<pre>(\d+)</pre>", lambda m: kept[int(m[1])], "\n".join(filter(None, out)))


class _Audit(HTMLParser):
    """Counts what the sanitiser will remove, and collects the images."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.removed: Counter[str] = Counter()
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ACTIVE:
            self.removed[f"<{tag}>"] += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.removed["event handler"] += 1
            elif re.sub(r"[\s\x00-\x1f]", "", value or "").lower().startswith("javascript:"):
                self.removed["javascript: link"] += 1
        if tag == "img":
            self.images.append({k: (v or "").strip() for k, v in attrs})


def _uploads_relative(src: str) -> str:
    found = re.search(r"(?:^|/)wp-content/uploads/(.+)$", urlsplit(src).path)
    return unquote(found.group(1)) if found else ""


def _image_sources(
    images: list[dict[str, str]], hosts: frozenset[str], resolve_upload: Callable[[str], str | None]
) -> tuple[dict[str, str | None], Counter[str], list[str]]:
    """Old src -> new src (None drops it); what was removed; what is missing."""
    mapping: dict[str, str | None] = {}
    removed: Counter[str] = Counter()
    missing: list[str] = []
    for attrs in images:
        src = attrs.get("src", "")
        if not src or src in mapping:
            continue
        mapping[src] = None
        parts = urlsplit(src)
        if {attrs.get(side, "").removesuffix("px") for side in ("width", "height")} <= {"0", "1"}:
            removed["tracking pixel"] += 1
        elif parts.scheme not in {"", "http", "https"}:
            removed[f"image with a {parts.scheme}: address"] += 1
        elif parts.netloc and _host(src) not in hosts:
            removed["image from another host"] += 1
        else:
            relative = _uploads_relative(src)
            mapping[src] = resolve_upload(relative) if relative else None
            if mapping[src] is None:
                missing.append(src)
    return mapping, removed, missing


def html_to_markdown(
    content: str, *, hosts: frozenset[str], resolve_upload: Callable[[str], str | None]
) -> Converted:
    """A post's HTML as Markdown that ``stride.core.markdown`` renders safely.

    ``resolve_upload`` maps a path under wp-content/uploads to its new address, or None.
    """
    gutenberg = "<!-- wp:" in content
    text, embeds = _embeds(content)
    text = _strip_comments(text)
    removed: Counter[str] = Counter()
    text = _shortcodes(text, removed)
    if not gutenberg:
        text = autop(text)
    text = re.sub(r"<(/?)h1\b", r"<\1h2", text, flags=re.I)
    text = re.sub(r"<(/?)h[56]\b", r"<\1h4", text, flags=re.I)
    # A div, section... becomes a paragraph, so "<div>a</div><div>b</div>" stays two.
    text = re.sub(r"<(/?)(?:div|section|article|aside|header|footer|address)\b[^>]*>", r"<\1p>",
                  text, flags=re.I)  # fmt: skip
    audit = _Audit()
    audit.feed(text)
    audit.close()
    mapping, dropped, missing = _image_sources(audit.images, hosts, resolve_upload)

    def keep(tag: str, attribute: str, value: str) -> str | None:
        return mapping.get(value.strip()) if (tag, attribute) == ("img", "src") else value

    rewritten = nh3.clean(text, tags=markdown.ALLOWED_TAGS, attributes=markdown.ALLOWED_ATTRIBUTES,
                          url_schemes=markdown.URL_SCHEMES, attribute_filter=keep)  # fmt: skip
    return Converted(
        markdown=to_markdown(markdown.sanitise(rewritten)),
        embeds=embeds,
        removed=removed + audit.removed + dropped,
        missing_images=tuple(missing),
    )


# Safe HTML to Markdown: the small tag set the sanitiser leaves ---------------------

_VOID = {"img", "br", "hr"}
_STRUCTURE = {"table", "thead", "tbody", "tfoot", "tr", "dl", "ul", "ol", "details"}
_BR = "\x00"
_MAX_DEPTH = 40
_BLOCKS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "pre", "hr", "table", "figure",
           "figcaption", "dl", "details"}  # fmt: skip


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack = [_Node("root", {})]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(self.stack) > _MAX_DEPTH:  # a damaged post; its text is kept, flatter
            return
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _as_html(node: _Node | str) -> str:
    """Kept HTML on one line: a blank line would end Markdown's HTML block."""
    if isinstance(node, str):
        return html.escape(re.sub(r"\s+", " ", node), quote=False)
    attrs = "".join(f' {k}="{html.escape(v)}"' for k, v in node.attrs.items() if k != "rel")
    children = node.children
    if node.tag in _STRUCTURE:
        children = [c for c in children if not isinstance(c, str) or c.strip()]
    inner = "" if node.tag in _VOID else "".join(map(_as_html, children)) + f"</{node.tag}>"
    return f"<{node.tag}{attrs}>{inner}"


def _escape(text: str) -> str:
    text = re.sub(r"&(?=#?\w+;)", "&amp;", re.sub(r"\s+", " ", text))
    return re.sub(r"([\\`*_\[\]<])", r"\\\1", text)


def _wrap(inner: str, mark: str) -> str:
    core = inner.strip()
    if not core:
        return inner
    return inner[: len(inner) - len(inner.lstrip())] + mark + core + mark + (
        inner[len(inner.rstrip()) :])  # fmt: skip


def _inline(node: _Node | str) -> str:
    if isinstance(node, str):
        return _escape(node)
    inner = "".join(map(_inline, node.children))
    tag, attrs = node.tag, node.attrs
    if tag in {"strong", "b"}:
        return _wrap(inner, "**")
    if tag in {"em", "i"}:
        return _wrap(inner, "*")
    if tag == "br":
        return _BR
    if tag == "code":
        code = "".join(c if isinstance(c, str) else _plain_text(c) for c in node.children)
        tick = "``" if "`" in code else "`"
        return f"{tick}{code}{tick}" if code.strip() else ""
    if tag == "img":
        return f"![{_escape(attrs.get('alt', ''))}]({_url(attrs['src'])})" if "src" in attrs else ""
    if tag == "a":
        if not (href := attrs.get("href", "")):
            return inner
        title = attrs.get("title", "").replace('"', "&quot;")
        title = f' "{title}"' if title else ""
        return f"[{inner.strip() or _escape(href)}]({_url(href)}{title})"
    if tag in _BLOCKS:
        return " ".join(_blocks(node))
    return _as_html(node) if tag in markdown.ALLOWED_TAGS else inner


def _url(url: str) -> str:
    url = re.sub(r"[\s<>]", lambda m: quote(m[0]), url)
    return f"<{url}>" if re.search(r"[()]", url) else url


def _plain_text(node: _Node) -> str:
    return "".join(c if isinstance(c, str) else _plain_text(c) for c in node.children)


def _paragraph(parts: list[str]) -> str:
    text = re.sub(r" {2,}", " ", "".join(parts)).strip(f" {_BR}")
    text = re.sub(rf" *(?:{_BR} *)+", "\\\n", text)
    # Text that Markdown would read as a heading, list, quote or rule stays text.
    text = re.sub(r"(?m)^([#+=>~-])", r"\\\1", text)
    return re.sub(r"(?m)^(\d+)([.)])", r"\1\\\2", text)


def _list(node: _Node) -> str:
    start = node.attrs.get("start", "1")
    number = int(start) if start.isdigit() else 1
    items = []
    for child in node.children:
        if isinstance(child, _Node) and child.tag == "li":
            marker = f"{number}. " if node.tag == "ol" else "- "
            number += 1
            body = ""
            for block in _blocks(child):
                nested = re.match(r"(- |\d+\. )", block)
                body += ("\n" if nested else "\n\n") + block if body else block
            lines = body.split("\n")
            pad = " " * len(marker)
            items.append(marker + lines[0] + "".join(f"\n{pad}{ln}" if ln else "\n"
                                                     for ln in lines[1:]))  # fmt: skip
    return "\n".join(items)


def _block(node: _Node) -> list[str]:
    tag = node.tag
    if tag in {"p", "figcaption"}:
        return [text] if (text := _paragraph([_inline(c) for c in node.children])) else []
    if tag in {"h2", "h3", "h4"}:
        text = _paragraph([_inline(c) for c in node.children]).replace("\\\n", " ")
        return [f"{'#' * int(tag[1])} {text}"] if text else []
    if tag in {"ul", "ol"}:
        return [text] if (text := _list(node)) else []
    if tag == "blockquote":
        inner = "\n\n".join(_blocks(node))
        return ["\n".join(f"> {ln}" if ln else ">" for ln in inner.split("\n"))] if inner else []
    if tag == "pre":
        code = _plain_text(node).strip("\n")
        fence = "~~~~" if "```" in code else "```"
        return [f"{fence}\n{code}\n{fence}"]
    if tag == "hr":
        return ["---"]
    if tag in {"figure", "li"}:
        return _blocks(node)
    return [_as_html(node)]  # tables, definition lists, details: kept as HTML


def _blocks(node: _Node) -> list[str]:
    out: list[str] = []
    inline: list[str] = []
    for child in [*node.children, _Node("p", {})]:
        if isinstance(child, _Node) and child.tag in _BLOCKS:
            if text := _paragraph(inline):
                out.append(text)
            inline = []
            out.extend(_block(child))
        else:
            inline.append(_inline(child))
    return out


def to_markdown(safe_html: str) -> str:
    """Markdown for HTML already sanitised to ``stride.core.markdown``'s tag set."""
    tree = _Tree()
    tree.feed(safe_html)
    tree.close()
    return "\n\n".join(_blocks(tree.stack[0])) + "\n"


def summary_from(*, excerpt: str, body: str, title: str) -> str:
    """The excerpt, else the first sentence(s) of the first paragraph; at most 200 characters."""
    plain = " ".join(markdown.plain(markdown.sanitise(_shortcodes(excerpt, Counter()))).split())
    if not plain:
        rendered = markdown.render(body).html
        first = re.search(r"<p>(.*?)</p>", rendered, re.S)
        text = " ".join(markdown.plain(first[1] if first else rendered).split())
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if len(candidate := f"{plain} {sentence}".strip()) > SUMMARY_LENGTH:
                break
            plain = candidate
        plain = plain or text
    if len(plain) > SUMMARY_LENGTH:
        plain = plain[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return plain or title[:SUMMARY_LENGTH]


# The import -------------------------------------------------------------------------


@dataclass
class ImportReport:
    dry_run: bool = False
    imported: list[str] = field(default_factory=list)
    already_imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    private: list[str] = field(default_factory=list)
    slugs_changed: list[str] = field(default_factory=list)
    clashes: list[str] = field(default_factory=list)
    missing_images: list[str] = field(default_factory=list)
    hero_images: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    embeds: list[str] = field(default_factory=list)
    categories: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        verb = "would be imported" if self.dry_run else "imported"
        return (
            f"{len(self.imported)} {verb} as drafts, {len(self.skipped)} skipped, "
            f"{len(self.already_imported)} already imported."
        )

    def lines(self) -> list[str]:
        out = ["Dry run: nothing was written."] if self.dry_run else []
        out.append(self.summary())
        for heading, rows in (
            ("Skipped", self.skipped),
            ("Already imported (left alone)", self.already_imported),
            ("Private or password-protected on WordPress (check before publishing)", self.private),
            ("Slugs changed", self.slugs_changed),
            ("Old addresses not redirected", self.clashes),
            ("Images not imported", self.missing_images),
            ("Featured images", self.hero_images),
            ("Removed from the text", self.removed),
            ("Embedded media turned into links", self.embeds),
            ("WordPress categories (not imported)",
             [f"{name} ({n})" for name, n in sorted(self.categories.items())]),
        ):  # fmt: skip
            if rows:
                out += [f"{heading}:", *(f"  {row}" for row in rows)]
        if self.imported and not self.dry_run:
            out.append("Every imported article is a draft: review each one before publishing it.")
        return out


@dataclass
class _Plan:
    item: Item
    article: Article
    paths: list[str]
    hero: tuple[str, str] | None  # storage name, description


class _Uploads:
    """The local copy of wp-content/uploads, and where each file will go in Stride's media."""

    def __init__(self, root: Path | None) -> None:
        self.root = root.resolve() if root else None
        self.planned: dict[Path, str] = {}

    def find(self, relative: str) -> Path | None:
        if self.root is None:
            return None
        # WordPress links resized copies (heel-300x200.jpg); fall back to the original.
        for candidate in dict.fromkeys([relative, re.sub(r"-\d+x\d+(\.\w+)$", r"\1", relative)]):
            path = (self.root / candidate).resolve()
            if not path.is_relative_to(self.root):  # ../ in a src: never leave the folder
                continue
            if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file() and _is_image(path):
                return path
        return None

    def plan(self, relative: str) -> str | None:
        """The storage name the file will be copied to, or None if it is not there."""
        path = self.find(relative)
        if path is None or self.root is None:
            return None
        if path not in self.planned:
            # Keep WordPress's YYYY/MM/ folders; ImageField names hold 100 characters.
            parts = [_valid_name(part) for part in path.relative_to(self.root).parts[-3:]]
            name = default_storage.get_available_name("/".join([IMPORT_DIR, *parts]), 100)
            while name in self.planned.values():  # two names that clean up the same
                root, ext = os.path.splitext(name)
                name = default_storage.get_alternative_name(root, ext)
            self.planned[path] = name
        return self.planned[path]

    @property
    def why(self) -> str:
        return "no --uploads given" if self.root is None else "not found in the uploads folder"

    def url(self, relative: str) -> str | None:
        name = self.plan(relative)
        return default_storage.url(name) if name else None


def _valid_name(part: str) -> str:
    try:
        return get_valid_filename(part)
    except SuspiciousFileOperation:
        return "file"


def _is_image(path: Path) -> bool:
    try:
        with Image.open(path) as image:
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def _skip_reason(item: Item) -> str:
    if item.post_type not in IMPORTED_TYPES:
        return SKIPPED_TYPES.get(item.post_type, f"content type {item.post_type!r}")
    if item.status == "trash":
        return "in the trash"
    if item.status not in IMPORTED_STATUSES:
        return f"status {item.status!r}"
    return ""


def _slug(item: Item, title: str, taken: set[str], report: ImportReport) -> str:
    wanted = slugify(unquote(item.slug))[:190] or slugify(title)[:190] or f"post-{item.post_id}"
    slug, n = wanted, 1
    while slug in taken or Article.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{wanted}-{n}"
    if slug != wanted:
        report.slugs_changed.append(f"{item.label}: '{wanted}' is taken, so '{slug}'")
    taken.add(slug)
    return slug


def old_paths(item: Item) -> list[str]:
    """The old site's paths for a post: its permalink and, for renamed posts, old slugs."""
    parts = urlsplit(item.link)
    permalink = ""
    if item.link and not re.search(r"(?:^|&)(?:p|page_id)=", parts.query):
        permalink = unquote(parts.path or "/")
        permalink = permalink if permalink.endswith("/") else permalink + "/"
    parent = permalink.rstrip("/").rpartition("/")[0]
    paths = [permalink] if permalink else []
    for old in item.meta.get("_wp_old_slug", ()):
        if old := unquote(old).strip("/"):
            paths += [f"/{old}/", f"{parent}/{old}/" if parent else ""]
    return list(dict.fromkeys(p for p in paths if p))


def _redirects(item: Item, claimed: dict[str, str], report: ImportReport) -> list[str]:
    marker = f"/?{'page_id' if item.post_type == 'page' else 'p'}={item.post_id}"
    free = [] if Redirect.objects.filter(old_path=marker).exists() else [marker]
    for path in old_paths(item):
        try:
            resolve(path)
        except Resolver404:
            pass
        else:
            report.clashes.append(f"{item.label}: {path} is a page of Stride's own")
            continue
        existing = Redirect.objects.filter(old_path=path).select_related("article").first()
        if other := (f"'{existing.article}'" if existing else claimed.get(path)):
            report.clashes.append(f"{item.label}: {path} already leads to {other}")
            continue
        if len(path) > Redirect._meta.get_field("old_path").max_length:  # type: ignore[operator]
            report.clashes.append(f"{item.label}: {path} is too long to store")
            continue
        claimed[path] = item.label
        free.append(path)
    return free


def _hero(
    item: Item, attachments: dict[int, Item], uploads: _Uploads, report: ImportReport
) -> tuple[str, str] | None:
    """The featured image's planned storage name and description, if it can be used."""
    thumbnail = item.meta_value("_thumbnail_id")
    if not thumbnail:
        return None
    attachment = attachments.get(int(thumbnail)) if thumbnail.isdigit() else None
    if attachment is None:
        report.hero_images.append(f"{item.label}: featured image {thumbnail} is not in the export")
        return None
    alt = html.unescape(attachment.meta_value("_wp_attachment_image_alt") or attachment.title)
    if not alt.strip():
        report.hero_images.append(
            f"{item.label}: featured image has no description (alt text or title), so none set"
        )
        return None
    relative = attachment.meta_value("_wp_attached_file") or _uploads_relative(
        attachment.attachment_url
    )
    name = uploads.plan(relative) if relative else None
    if name is None:
        report.missing_images.append(f"{item.label}: featured image {relative}: {uploads.why}")
        return None
    return name, alt.strip()[:250]


@dataclass
class _Run:
    """What planning one import needs, and what it has claimed so far."""

    export: Export
    uploads: _Uploads
    region: str
    report: ImportReport
    attachments: dict[int, Item] = field(default_factory=dict)
    slugs: set[str] = field(default_factory=set)
    claimed: dict[str, str] = field(default_factory=dict)


def _plan(item: Item, run: _Run) -> _Plan:
    report = run.report
    converted = html_to_markdown(
        item.content, hosts=run.export.hosts, resolve_upload=run.uploads.url
    )
    title = (item.title or f"Untitled WordPress {item.post_type} {item.post_id}")[:200]
    article = Article(
        title=title,
        slug=_slug(item, title, run.slugs, report),
        summary=summary_from(excerpt=item.excerpt, body=converted.markdown, title=title),
        body=converted.markdown,
        region=run.region,
        aka="\n".join(item.tags),
        status=Article.Status.DRAFT,
    )
    try:
        article.full_clean(exclude=["hero_image", "hero_alt"])
    except ValidationError as exc:
        raise WordPressImportError(f"{item.label} cannot be imported: {exc.messages}") from exc
    report.missing_images += [
        f"{item.label}: {src}: {run.uploads.why}" for src in converted.missing_images
    ]
    if converted.removed:
        removed = ", ".join(f"{what} ({n})" for what, n in sorted(converted.removed.items()))
        report.removed.append(f"{item.label}: {removed}")
    if converted.embeds:
        report.embeds.append(f"{item.label}: {converted.embeds}")
    if item.status == "private" or item.password:
        report.private.append(item.label)
    report.categories.update(item.categories)
    hero = _hero(item, run.attachments, run.uploads, report)
    return _Plan(item, article, _redirects(item, run.claimed, report), hero)


def _write(plan: _Plan, copied: dict[str, str], cleanup: list[str]) -> None:
    article = plan.article
    for planned, actual in copied.items():
        if planned != actual:
            article.body = article.body.replace(
                default_storage.url(planned), default_storage.url(actual)
            )
    if plan.hero:
        name, article.hero_alt = plan.hero
        article.hero_image.name = copied[name]
    article.save()
    Redirect.objects.bulk_create(
        Redirect(old_path=path, article=article, wordpress_id=plan.item.post_id)
        for path in plan.paths
    )
    if article.hero_image:
        made = services.article_hero_renditions_refresh(article=article)
        cleanup += [rendition.image.name for rendition in made]


def _plan_all(run: _Run) -> list[str | _Plan]:
    """Each item's progress line (skipped, already imported) or its plan; writes nothing."""
    outcomes: list[str | _Plan] = []
    for item in run.export.items:
        done = Redirect.objects.select_related("article").filter(wordpress_id=item.post_id)
        if reason := _skip_reason(item):
            run.report.skipped.append(f"{item.label}: {reason}")
            outcomes.append(f"{item.label} skipped: {reason}")
        elif redirect := done.first():
            url = redirect.article.get_absolute_url()
            run.report.already_imported.append(f"{item.label} → {url}")
            outcomes.append(f"{item.label} already imported → {url}")
        else:
            outcomes.append(_plan(item, run))
    return outcomes


def _copy(uploads: _Uploads, cleanup: list[str]) -> dict[str, str]:
    """Copy the planned files into storage: planned name -> name actually used."""
    copied = {}
    for source, name in uploads.planned.items():
        with source.open("rb") as fh:
            copied[name] = default_storage.save(name, File(fh, name=source.name))
        cleanup.append(copied[name])
    return copied


def wordpress_import(
    *,
    path: Path,
    uploads: Path | None,
    region: str,
    dry_run: bool,
    progress: Callable[[str], None] | None,
) -> ImportReport:
    """Import posts and pages as drafts, all or nothing; safe to run again."""
    if region not in dict(knowledge.region_choices()):
        names = ", ".join(slug for slug, _ in knowledge.region_choices())
        raise WordPressImportError(f"{region!r} is not a region; use one of: {names}.")
    if uploads is not None and not uploads.is_dir():
        raise WordPressImportError(f"{uploads} is not a folder (a copy of wp-content/uploads).")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise WordPressImportError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    export = parse_export(data)
    run = _Run(export, _Uploads(uploads), region, ImportReport(dry_run=dry_run))
    run.attachments = {i.post_id: i for i in export.items if i.post_type == "attachment"}
    cleanup: list[str] = []
    try:
        with transaction.atomic():
            outcomes = _plan_all(run)
            copied = {} if dry_run else _copy(run.uploads, cleanup)
            for n, outcome in enumerate(outcomes, start=1):
                if isinstance(outcome, _Plan):
                    if not dry_run:
                        _write(outcome, copied, cleanup)
                    url = outcome.article.get_absolute_url()
                    run.report.imported.append(f"{outcome.item.label} → {url}")
                    outcome = f"{outcome.item.label} → draft {url}"
                if progress:
                    progress(f"[{n}/{len(outcomes)}] {outcome}")
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as exc:
        _delete(cleanup)
        raise WordPressImportError(
            f"The database refused a row ({exc}): was an article or redirect added while the "
            "import ran? Run it again."
        ) from exc
    except BaseException:
        _delete(cleanup)
        raise
    return run.report


def _delete(names: list[str]) -> None:
    """The database rolled back; the files copied for it go too."""
    for name in names:
        default_storage.delete(name)
