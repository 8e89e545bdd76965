"""The demo clinic: fictional, in London, built by code and safe to run again.

Anything date-like is relative to the clock, so a pinned clock gives the same clinic.
Running it twice changes nothing: rows are matched by natural keys and only written
when they differ, and photos are drawn once.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models, transaction
from PIL import Image, ImageDraw, ImageFont

from stride import clock
from stride.booking import demo as booking_demo
from stride.library.services import library_load
from stride.office import demo as office_demo
from stride.site import services
from stride.site.checks import DEMO_PASSWORD, DEMO_USERNAME
from stride.site.models import Clinic, OpeningHours, Practitioner, Registration

CLINIC = {
    "name": "Larkfield Foot & Ankle Clinic",
    "tagline": "Podiatry for sore feet, painful ankles and everything in between, in Kentish Town.",
    "treats": "\n".join(
        [
            # After "|": the condition article the line links to on the home page.
            "Heel pain and plantar fasciitis | plantar-fasciitis",
            "Ankle sprains and ankle impingement | ankle-sprain",
            "Achilles tendon pain | achilles-tendinopathy",
            "Morton's neuroma and forefoot pain | mortons-neuroma",
            "Ingrown, thick and fungal toenails | ingrown-toenail",
            "Bunions and stiff big toes | hallux-valgus",
            "Verrucas, corns and hard skin | verruca",
            "Children's foot and heel pain | severs-disease",
        ]
    ),
    "phone": "020 7946 0321",
    "email": "hello@larkfield-clinic.example",
    "address_line1": "14 Larkfield Mews",
    "address_line2": "Kentish Town",
    "town": "London",
    "postcode": "NW5 1XY",
    "map_url": "",
    "time_zone": "Europe/London",
    "registration_details": "Larkfield Foot & Ankle Clinic Ltd, a company registered in "
    "England and Wales (no. 09999999), 14 Larkfield Mews, London NW5 1XY. "
    "This is a demonstration clinic: it does not exist.",
    "ico_registration": "ZA999999",
    "accessibility_notes": "Step-free entrance from the street. Both treatment rooms are on "
    "the ground floor, with a wide door and an accessible toilet. We have a hearing loop at "
    "reception. Tell us if you need more time or someone with you.",
    "parking_notes": "Two minutes' walk from Kentish Town station (Northern line and "
    "Thameslink); buses 134, 214 and C2 stop outside. Pay-by-phone parking on Larkfield Road; "
    "one Blue Badge space in the mews, please ask us to keep it free.",
}

# (weekday, opens, closes): Monday to Friday with a lunch break, Saturday mornings.
HOURS = [
    *[(d, dt.time(9), dt.time(13)) for d in range(5)],
    *[(d, dt.time(14), dt.time(18)) for d in range(4)],
    (4, dt.time(14), dt.time(17)),
    (5, dt.time(9), dt.time(13)),
]

PRACTITIONERS: list[dict[str, Any]] = [
    {
        "slug": "amara-okafor",
        "name": "Amara Okafor",
        "role": "Musculoskeletal podiatrist and clinic director",
        "qualifications": "BSc (Hons) Podiatry, MSc Sports Medicine",
        "years_ago": 14,
        "photo_alt": "Amara Okafor, smiling, with short dark hair.",
        "colour": (28, 82, 122),
        "bio": "Amara sees people with heel, ankle and forefoot pain, from keen runners to "
        "people who just want to walk to the shops without thinking about their feet.\n\n"
        "She spent eight years in NHS musculoskeletal podiatry before opening Larkfield. "
        "She likes to explain what is going on in plain words, and to agree a plan that "
        "fits your life.",
        "special_interests": "Heel and Achilles pain\nAnkle impingement in dancers and "
        "footballers\nRunning injuries",
        "registrations": [
            ("hcpc", "", "CH99901", "https://www.hcpc-uk.org/check-the-register/"),
            ("rcpod", "", "", "https://rcpod.org.uk/"),
        ],
        "order": 1,
    },
    {
        "slug": "tomasz-nowak",
        "name": "Tomasz Nowak",
        "role": "Podiatrist and osteopath",
        "qualifications": "BSc (Hons) Podiatry, MOst",
        "years_ago": 7,
        "photo_alt": "Tomasz Nowak, wearing glasses and a blue clinic tunic.",
        "colour": (122, 52, 28),
        "bio": "Tomasz treats nail and skin problems, from ingrown toenails to verrucas, and "
        "looks after people with diabetes who need regular foot checks.\n\n"
        "He is also a registered osteopath, so he looks at how your feet, knees and hips "
        "work together.",
        "special_interests": "Ingrown toenail surgery under local anaesthetic\nDiabetic foot "
        "care\nChildren's feet",
        "registrations": [
            ("hcpc", "", "CH99902", "https://www.hcpc-uk.org/check-the-register/"),
            ("gosc", "", "9999", "https://www.osteopathy.org.uk/register-search/"),
            ("rcpod", "", "", "https://rcpod.org.uk/"),
        ],
        "order": 2,
    },
]


def _update_or_create(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]
) -> Any:
    """Like ``update_or_create`` but saves only when something differs."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **values)
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save(update_fields=changed)
    return obj


def portrait(initials: str, colour: tuple[int, int, int]) -> bytes:
    """A plain portrait placeholder: initials on a coloured square."""
    image = Image.new("RGB", (640, 640), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=260)
    draw.text((320, 320), initials, fill=(255, 255, 255), font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@transaction.atomic
def build() -> Clinic:
    """Create or bring up to date the demo clinic; returns it."""
    today = clock.today(CLINIC["time_zone"])
    clinic = _update_or_create(Clinic, {"pk": Clinic.SINGLETON_ID}, CLINIC)
    wanted_hours = {(d, o, c) for d, o, c in HOURS}
    have = {(h.weekday, h.opens, h.closes): h for h in clinic.opening_hours.all()}
    for key, row in have.items():
        if key not in wanted_hours:
            row.delete()
    for d, o, c in sorted(wanted_hours - set(have)):
        OpeningHours.objects.create(clinic=clinic, weekday=d, opens=o, closes=c)

    for spec in PRACTITIONERS:
        values = {
            k: spec[k]
            for k in (
                "name",
                "role",
                "qualifications",
                "photo_alt",
                "bio",
                "special_interests",
                "order",
            )
        }
        values["practising_since"] = today.year - spec["years_ago"]
        values["is_active"] = True
        person = _update_or_create(Practitioner, {"slug": spec["slug"]}, values)
        if not person.photo:
            initials = "".join(part[0] for part in spec["name"].split())
            person.photo.save("portrait.jpg", ContentFile(portrait(initials, spec["colour"])))
        services.practitioner_photo_renditions_refresh(practitioner=person)
        wanted = {(b, n, num, url) for b, n, num, url in spec["registrations"]}
        for reg in person.registrations.all():
            if (reg.body, reg.body_name, reg.number, reg.check_url) not in wanted:
                reg.delete()
        existing = {
            (r.body, r.body_name, r.number, r.check_url) for r in person.registrations.all()
        }
        for body, name, number, url in spec["registrations"]:
            if (body, name, number, url) not in existing:
                Registration.objects.create(
                    practitioner=person, body=body, body_name=name, number=number, check_url=url
                )

    library_load(publish=True)
    booking_demo.build(today)

    user_model = get_user_model()
    if not user_model.objects.filter(username=DEMO_USERNAME).exists():
        user_model.objects.create_superuser(
            DEMO_USERNAME, "admin@larkfield-clinic.example", DEMO_PASSWORD
        )
    office_demo.build()
    return clinic
