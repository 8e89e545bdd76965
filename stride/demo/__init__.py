"""The demo clinic (``stride demo_load``): ``build()`` makes it, safe to run again.

A Django app of its own, above every other app in the layers, since it fills them all.
The work is in ``stride.demo.clinic``; the app's package imports no models itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stride.site.models import Clinic


def build() -> Clinic:
    """The demo clinic, built or brought up to date (see ``stride.demo.clinic``)."""
    from stride.demo.clinic import build as build_clinic

    return build_clinic()
