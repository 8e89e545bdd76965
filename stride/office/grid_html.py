"""The diary grid's rows as HTML, written here rather than in a template: a day of ten
practitioners is some 400 cells, and the template engine spends most of a request on
them. Every value from the database is escaped; the page around it (``_grid.html``)
stays a template."""

from __future__ import annotations

from typing import Any

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from stride.booking.models import DiaryEntry
from stride.office.diary_grid import Grid

EMPTY = {"past": '<td class="g-past"></td>', "off": '<td class="g-off"></td>',
         "break": '<td class="g-break"><span class="visually-hidden">Break</span></td>',
         "away": '<td class="g-away"><span class="visually-hidden">Away</span></td>',
         "none": '<td class="g-none"><span class="visually-hidden">No such time today</span></td>'}  # fmt: skip # noqa: E501


STATUS = dict(DiaryEntry.Status.choices)


def _url(name: str) -> str:
    """The address of ``name`` for an entry, with ``{}`` for its id (reversed once)."""
    return reverse(name, args=[0]).replace("/0/", "/{}/")


def body(grid: Grid, *, request: Any, moving: bool = False, allowed: Any = ()) -> SafeString:
    """The table's rows: a time header, then each column's cell (or nothing where an
    entry above covers it)."""
    token = escape(get_token(request))
    here = escape(request.get_full_path())
    urls = {name: _url(f"office:{name}") for name in ("entry", "entry_arrived", "entry_mark")}
    out: list[str] = []
    for row in grid.rows:
        classes = ("g-hour" if row.hour else "") + (" g-now" if row.now else "")
        now = ' <span class="g-now-mark">now</span>' if row.now else ""
        out.append(f'<tr class="{classes}"><th scope="row" class="g-time">'
                   f"{escape(row.label)}{now}</th>")  # fmt: skip
        label = escape(row.label)
        for column, cell, href in row.cells:
            state = cell.state
            if state == "covered":
                continue
            if state == "entry":
                items = "".join(_item(e, s, t, token=token, here=here, moving=moving, urls=urls)
                                for e, s, t in cell.entries)  # fmt: skip
                out.append(f'<td class="g-entry" rowspan="{cell.rows}"><div class="g-stack '
                           f'g-rows-{min(cell.rows, 48)}">{items}</div></td>')  # fmt: skip
            elif state == "free":
                out.append(_free(cell, href, label, escape(column.title), moving, allowed))
            else:
                out.append(EMPTY[state])
        out.append("</tr>")
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)


def _free(cell: Any, href: str, label: str, title: str, moving: bool, allowed: Any) -> str:
    if not moving:
        return (
            f'<td class="g-free"><a class="g-book" href="{escape(href)}" data-time="{label}">'
            f'<span class="visually-hidden">Book a caller at {label}, {title}</span></a></td>'
        )
    if cell.at not in allowed:
        return '<td class="g-free"></td>'
    return (
        f'<td class="g-free"><button type="submit" name="start" value="{cell.at.isoformat()}"'
        f' class="g-book" data-time="{label}"><span class="visually-hidden">Move to {label},'
        f" {title}</span></button></td>"
    )


def _item(entry: DiaryEntry, start: Any, end: Any, *, token: str, here: str, moving: bool,
          urls: dict[str, str]) -> str:  # fmt: skip
    kind, status = entry.kind, entry.status
    title: str
    if kind == DiaryEntry.Kind.APPOINTMENT:
        title = escape(entry.details.name)
    elif kind == DiaryEntry.Kind.HOLD:
        title = "Held for a waitlist offer"
    else:
        title = "Blocked" + (f": {escape(entry.note)}" if entry.note else "")
    url = urls["entry"].format(entry.pk)
    html = [f'<div class="g-item kind-{kind} status-{status}" id="card-{entry.pk}" tabindex="-1">'
            f'<p class="g-what"><a href="{url}"><time datetime="{entry.start.isoformat()}">'
            f'{start:%H:%M}</time>\u2013<time datetime="{entry.end.isoformat()}">{end:%H:%M}'
            f"</time> {title}</a></p>"]  # fmt: skip
    if kind == DiaryEntry.Kind.APPOINTMENT:
        html.append(_meta(entry))
        quick = getattr(entry, "quick", [])
        if quick and not moving:
            html.append('<div class="quick no-print">')
            html += [_quick_form(entry, a, token, here, urls) for a in quick]
            html.append("</div>")
    html.append("</div>")
    return "".join(html)


def _meta(entry: DiaryEntry) -> str:
    details = entry.details
    arrived = ""
    if entry.arrived_at:
        arrived = (
            f' <span class="g-arrived">Arrived {timezone.localtime(entry.arrived_at):%H:%M}</span>'
        )
    shared = ""
    if details.assessment_summary or details.assessment_record:
        shared = f' · <a class="g-shared" href="#summary-{entry.pk}">Symptom check shared</a>'
    service = escape(entry.service.name) if entry.service else ""
    return (
        f'<p class="g-meta"><span class="g-status">{escape(STATUS.get(entry.status, entry.status))}'
        f"</span>{arrived} · {service}{shared}</p>"
    )


def _quick_form(entry: DiaryEntry, action: Any, token: str, here: str,
                urls: dict[str, str]) -> str:  # fmt: skip
    name = action.name
    if name == "arrived":
        target = urls["entry_arrived"].format(entry.pk)
        status = ""
    else:
        target = urls["entry_mark"].format(entry.pk)
        status = f'<input type="hidden" name="status" value="{name}">'
    pressed = ' aria-pressed="true"' if entry.status == name else ""
    return (
        f'<form method="post" action="{target}" data-quick="#card-{entry.pk}">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        f'<input type="hidden" name="version" value="{entry.version}">{status}'
        f'<input type="hidden" name="next" value="{here}">'
        f'<button type="submit" class="button button-link"{pressed}>{escape(action.label)}'
        f'<span class="visually-hidden">: {escape(entry.details.name)}</span></button></form>'
    )
