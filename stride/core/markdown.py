"""Article Markdown to safe HTML, split into sections by level-2 heading.

markdown-it-py renders (raw HTML allowed, so imported posts keep their tables), then
nh3 sanitises: only the tags and attributes an article needs, no script, style, event
handler, iframe or ``javascript:`` link survives, and an image whose source is on
another host is dropped (pages load nothing from other hosts).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt

WORDS_PER_MINUTE = 200

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "hr", "i", "img", "kbd", "li",
    "ol", "p", "pre", "s", "small", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "h2": {"id"},
    "h3": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable(
    "table"
)
_H2 = re.compile(r"<h2(?: id=\"[^\"]*\")?>(.*?)</h2>", re.S)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    html: str


@dataclass(frozen=True)
class Rendered:
    html: str
    intro: str
    sections: tuple[Section, ...]
    words: int

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if (
        tag == "img"
        and attribute == "src"
        and not (value.startswith("/") and not value.startswith("//"))
    ):
        return None  # another host's image would be a third-party request
    return value


def sanitise(raw_html: str) -> str:
    """Clean HTML from any source (our Markdown, an imported post) down to the safe subset."""
    cleaned = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_keep_attribute,
        strip_comments=True,
        set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
    )
    return re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", cleaned)


def slugify(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", html.unescape(text).lower())
    return "-".join(words) or "section"


def plain(fragment: str) -> str:
    return html.unescape(_TAGS.sub(" ", fragment))


def render(markdown: str) -> Rendered:
    """Render and sanitise ``markdown``; headings get stable anchors."""
    safe = sanitise(_md.render(markdown))
    pieces = _H2.split(safe)
    intro, rest = pieces[0], pieces[1:]
    sections = []
    used: set[str] = set()
    for title_html, body in zip(rest[0::2], rest[1::2], strict=True):
        anchor = slugify(plain(title_html))
        while anchor in used:
            anchor += "-2"
        used.add(anchor)
        sections.append(Section(anchor=anchor, title=plain(title_html).strip(), html=body.strip()))
    full = intro + "".join(
        f'<h2 id="{s.anchor}">{html.escape(s.title)}</h2>{s.html}' for s in sections
    )
    words = len(re.findall(r"\w+", plain(safe)))
    return Rendered(html=full, intro=intro.strip(), sections=tuple(sections), words=words)
