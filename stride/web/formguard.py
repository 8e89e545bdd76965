"""Public forms protected without a cookie.

The public site sets no cookie on any GET (the back office and the admin excepted), so
Django's CSRF cookie cannot protect the symptom check, the booking form or the
waitlist. Those forms carry instead a signed, expiring token in a hidden field
(``form_token``, from the context processor ``form_context``), and a POST to them must
also come from this site by the browser's own account: ``Sec-Fetch-Site`` (when sent)
is ``same-origin`` or ``none``, and ``Origin`` (when sent) is this site. A POST that
fails either check changes nothing and gets a page saying to go back and try again.

Why this is enough: these forms act for an anonymous visitor, with nothing a forged
request could borrow from the victim's browser (no session, no sign-in). The token
stops a page elsewhere from posting a form it has not first fetched from us, and the
origin headers stop a browser from being used to do it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.functional import SimpleLazyObject
from django.views.decorators.csrf import csrf_exempt

FIELD = "form_token"
MAX_AGE = 6 * 3600  # seconds: a patient may leave a form open for a while
SALT = "stride.public-form"
MESSAGE = ("This form is out of date or did not come from our website. Go back, reload "
           "the page and try again.")  # fmt: skip


def new_token() -> str:
    return signing.TimestampSigner(salt=SALT).sign(secrets.token_urlsafe(12))


SESSION_FIELD = "session_check"
SESSION_KEY = "stride_form_key"


def bind_session(request: HttpRequest) -> None:
    """Give a session just made a secret of its own, which the forms behind it carry
    (``session_check``): a form token can be fetched from any page, this one cannot."""
    request.session[SESSION_KEY] = secrets.token_urlsafe(16)


def form_context(request: HttpRequest) -> dict[str, Any]:
    """``form_token`` and ``session_check`` for every template; each made only when a
    page uses it (so a public page never reads the session)."""
    return {
        FIELD: SimpleLazyObject(new_token),
        SESSION_FIELD: SimpleLazyObject(lambda: str(request.session.get(SESSION_KEY, ""))),
    }


def _same_site(request: HttpRequest) -> bool:
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return True
    ours = {f"{request.scheme}://{request.get_host()}"}
    if settings.SITE_URL:
        site = urlsplit(settings.SITE_URL)
        ours.add(f"{site.scheme}://{site.netloc}")
    return origin in ours


def _valid_token(request: HttpRequest) -> bool:
    try:
        signing.TimestampSigner(salt=SALT).unsign(request.POST.get(FIELD, ""), max_age=MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one
        return False
    return True


def refusal(request: HttpRequest) -> str | None:
    """Why a POST to a public form is refused, or None."""
    if getattr(request, "_dont_enforce_csrf_checks", False):  # Django's test client
        return None
    if not _same_site(request):
        return "cross-site"
    if not _valid_token(request):
        return "token"
    return None


def _session_refusal(request: HttpRequest) -> str | None:
    if getattr(request, "_dont_enforce_csrf_checks", False):  # Django's test client
        return None
    kept = str(request.session.get(SESSION_KEY, ""))
    sent = request.POST.get(SESSION_FIELD, "")
    return None if kept and secrets.compare_digest(kept, sent) else "session"


def public_form(view: Callable[..., HttpResponse] | None = None, *, session: bool = False) -> Any:
    """A view whose POSTs are checked here instead of by Django's CSRF cookie.
    ``session=True`` (``@public_form(session=True)``), for forms behind a session made by
    ``bind_session``: the POST must also carry that session's own secret."""
    if view is None:
        return lambda inner: public_form(inner, session=session)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = request.method == "POST" and (
            refusal(request) or (session and _session_refusal(request))
        )
        if refused:
            body = loader.render_to_string("403_form.html", {"message": MESSAGE},
                                           request=request)  # fmt: skip
            response = HttpResponse(body, status=403)
            response["Cache-Control"] = "no-store"
            return response
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
