"""Import a WordPress export (WXR) into draft articles, with redirects from the old URLs.

Three stages, so that a bad file imports nothing: ``stride.core.wxr.parse_export`` reads
and checks the whole file (defusedxml: no entity tricks), ``stride.core.wp_html``
turns a post's HTML into safe Markdown (pure functions, no database), and
``wordpress_import`` plans every item before it writes any, all in one transaction.
Nothing is published: a clinician reviews each imported article first, and its
redirects answer only once it is published.
"""

from __future__ import annotations

import html
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils.text import get_valid_filename, slugify
from PIL import Image

from stride import knowledge
from stride.core.wp_html import html_to_markdown, summary_from, uploads_relative
from stride.core.wxr import Export, Item, WordPressImportError, parse_export
from stride.library import services
from stride.library.models import Article, Redirect

__all__ = [
    "ImportReport",
    "Item",
    "WordPressImportError",
    "html_to_markdown",
    "old_paths",
    "parse_export",
    "summary_from",
    "wordpress_import",
]

IMPORT_DIR = "articles/imported"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
IMPORTED_TYPES = {"post", "page"}
IMPORTED_STATUSES = {"publish", "draft", "pending", "private", "future"}
SKIPPED_TYPES = {
    "attachment": "attachment (its file is used for featured images)",
    "nav_menu_item": "menu item",
    "revision": "revision",
}

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
    attachment = (
        attachments.get(int(thumbnail)) if thumbnail.isascii() and thumbnail.isdigit() else None
    )
    if attachment is None:
        report.hero_images.append(f"{item.label}: featured image {thumbnail} is not in the export")
        return None
    alt = html.unescape(attachment.meta_value("_wp_attachment_image_alt") or attachment.title)
    if not alt.strip():
        report.hero_images.append(
            f"{item.label}: featured image has no description (alt text or title), so none set"
        )
        return None
    relative = attachment.meta_value("_wp_attached_file") or uploads_relative(
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
