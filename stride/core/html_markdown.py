"""HTML already sanitised to ``stride.core.markdown``'s small tag set, as Markdown.

Paragraphs, headings, lists, quotes, code and rules become Markdown; tables, definition
lists and details are kept as one-line HTML, which Markdown passes through.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote

from stride.core import markdown

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
    number = int(start) if start.isascii() and start.isdigit() else 1
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
