"""WordPress post HTML as safe Markdown: pure functions, no database.

Block comments, shortcodes and embedded players go (players become plain links), old
posts get WordPress's paragraphs, what the sanitiser removes is counted, and images are
pointed at their new addresses; ``stride.core.html_markdown`` writes the Markdown.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nh3

from stride.core import markdown
from stride.core.html_markdown import to_markdown
from stride.core.wxr import bare_host

SUMMARY_LENGTH = 200
_PROVIDERS = {"youtube.com": "Watch on YouTube", "youtu.be": "Watch on YouTube",
              "vimeo.com": "Watch on Vimeo"}  # fmt: skip

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
    host = bare_host(url)
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


def uploads_relative(src: str) -> str:
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
        elif parts.netloc and bare_host(src) not in hosts:
            removed["image from another host"] += 1
        else:
            relative = uploads_relative(src)
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
