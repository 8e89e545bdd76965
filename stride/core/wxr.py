"""Read a WordPress export (WXR) into plain dataclasses, checking the whole file first.

defusedxml parses it (no entity tricks); any structural problem raises
``WordPressImportError`` naming the item, so a bad file imports nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

_WP_NS = re.compile(r"\{(http://wordpress\.org/export/1\.\d+/)\}wxr_version$")
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


class WordPressImportError(ValueError):
    """The export cannot be imported; nothing was written."""


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


def bare_host(url: str) -> str:
    """A URL's host without "www.", as the export's own addresses are compared."""
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
    return Export(hosts=frozenset(filter(None, map(bare_host, links))), items=items)
