"""Writes for the clinic website."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from stride.core.images import renditions
from stride.site.models import PhotoRendition, Practitioner


@transaction.atomic
def practitioner_photo_renditions_refresh(*, practitioner: Practitioner) -> list[PhotoRendition]:
    """Make the resized copies of a practitioner's photo, unless they are up to date."""
    current = list(practitioner.renditions.all())
    if not practitioner.photo:
        for old in current:
            old.image.delete(save=False)
            old.delete()
        return []
    source = practitioner.photo.name
    if current and all(r.source == source for r in current):
        return current
    with practitioner.photo.open("rb") as fh:
        data = fh.read()
    for old in current:
        old.image.delete(save=False)
        old.delete()
    made = []
    for width, jpeg in renditions(data).items():
        rendition = PhotoRendition(practitioner=practitioner, width=width, source=source)
        rendition.image.save(f"{practitioner.slug}-{width}.jpg", ContentFile(jpeg), save=False)
        rendition.save()
        made.append(rendition)
    return made
