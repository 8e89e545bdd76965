"""Public pages of the clinic website. They never touch the session or a CSRF token."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.views.decorators.http import require_safe

from stride.site import selectors
from stride.site.models import Clinic
from stride.site.pagecache import public_page

log = logging.getLogger(__name__)


def _page(
    request: HttpRequest, template: str, clinic: Clinic | None = None, **context: object
) -> HttpResponse:
    clinic = clinic or selectors.clinic_get()
    context["clinic"] = clinic
    context.setdefault("opening_week", selectors.opening_week(clinic=clinic))
    context.setdefault("map_url", selectors.map_url(clinic=clinic))
    return render(request, template, context)


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    clinic = selectors.clinic_get()
    return _page(request, "site/home.html", clinic, treats=selectors.treats_linked(clinic=clinic),
                 practitioners=selectors.practitioners_public())  # fmt: skip


@require_safe
@public_page
def practitioner_list(request: HttpRequest) -> HttpResponse:
    clinic = selectors.clinic_get()
    people = [
        (p, selectors.practitioner_years(practitioner=p, clinic=clinic))
        for p in selectors.practitioners_public()
    ]
    return _page(request, "site/practitioner_list.html", clinic, people=people)


@require_safe
@public_page
def practitioner_detail(request: HttpRequest, slug: str) -> HttpResponse:
    practitioner = get_object_or_404(selectors.practitioners_public(), slug=slug)
    clinic = selectors.clinic_get()
    years = selectors.practitioner_years(practitioner=practitioner, clinic=clinic)
    return _page(
        request, "site/practitioner_detail.html", clinic, practitioner=practitioner, years=years
    )


def clinic_page(template: str) -> Callable[[HttpRequest], HttpResponse]:
    """A page that shows the clinic's details and nothing else (contact, privacy...)."""

    @require_safe
    @public_page
    def view(request: HttpRequest) -> HttpResponse:
        return _page(request, template)

    view.__name__ = template.rsplit("/", 1)[-1].removesuffix(".html")
    return view


contact = clinic_page("site/contact.html")
privacy = clinic_page("site/privacy.html")
accessibility = clinic_page("site/accessibility.html")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page_or_plain(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _page_or_plain(request, "500.html", 500)


def _page_or_plain(request: HttpRequest, template: str, status: int) -> HttpResponse:
    """Render the error page with the clinic's details, or without them if that fails too."""
    try:
        response = _page(request, template)
    except Exception:  # the database may be why we are here
        log.exception("error page rendered without clinic details")
        response = HttpResponse(loader.get_template(template).render({"request": request}))
    response.status_code = status
    return response
