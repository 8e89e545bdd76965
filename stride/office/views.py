"""The back office's home: today at a glance."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from stride.office.roles import staff_only


@staff_only()
def home(request: HttpRequest) -> HttpResponse:
    return redirect("office:diary_day")
