"""Fictional patients: a name, contact details that reach no one and a date of birth,
the same for a seed and a patient's key. Phone numbers are in Ofcom's range kept for
drama (07700 900000 to 900999); email addresses are at example.org and example.com."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

FIRST = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Freya", "Ella", "Zara", "Aisha",
    "Priya", "Chloe", "Ruby", "Niamh", "Sofia", "Hannah", "Leila", "Esme", "Ananya", "Maja",
    "Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Oscar", "Theo", "Jack", "Finley",
    "Mohammed", "Yusuf", "Kwame", "Tariq", "Daniel", "Samuel", "Rohan", "Callum", "Owen",
    "Patrick", "Joseph", "Ibrahim", "Luca", "Mateo", "Kofi", "Ewan", "Rhys", "Dev",
    "Margaret", "Patricia", "Brenda", "Dorothy", "Eileen", "Graham", "Derek", "Trevor",
)  # fmt: skip
LAST = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Khan", "Ahmed",
    "Begum", "Ali", "Shah", "Singh", "Kaur", "Mensah", "Okonkwo", "Adeyemi", "Nguyen",
    "Kowalski", "Novak", "Rossi", "Murphy", "O'Brien", "Kelly", "Campbell", "Stewart",
    "MacDonald", "Fletcher", "Hartley", "Pemberton", "Ashworth", "Quinn", "Sullivan",
)  # fmt: skip
NOTES = (
    "Prefers morning appointments.", "Uses a wheelchair: ground-floor room, please.",
    "Hard of hearing: text rather than call.", "Works shifts; call after 4pm.",
    "Needs the Blue Badge space kept free.", "Anxious about needles; allow extra time.",
    "Comes with a carer; two chairs in the room.", "Prefers to be called by her first name.",
    "Speaks Polish; son usually interprets.", "Prefers Tomasz for nail care.",
)  # fmt: skip
REASONS = {
    "initial-assessment": (
        "Heel pain for three months, worst first thing in the morning.",
        "Rolled my ankle playing football six weeks ago and it still feels weak.",
        "Pain in the ball of my foot, like walking on a pebble.",
        "Achilles pain since I started training for a half marathon.",
        "Bunion getting bigger and rubbing in work shoes.",
        "Ingrown toenail on the left big toe, red and sore.",
        "My daughter's heels hurt after netball.",
        "Burning and tingling between the third and fourth toes.",
    ),
    "follow-up": ("Review after insoles.", "Review of heel pain exercises.",
                  "Check after the nail procedure.", "Ankle rehab review.",
                  "Still sore, review the plan."),
    "gait-assessment": ("Knee and shin pain when running over 10k.",
                        "Want to check my running before a marathon block.",
                        "Recurring calf strains."),
    "nail-care": ("Routine nail care.", "Thick nails I cannot cut myself.",
                  "Corn on the little toe.", "Hard skin on the heels, cracking."),
    "nail-surgery": ("Partial nail avulsion, left hallux.",
                     "Ingrown toenail surgery, right big toe."),
}  # fmt: skip


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    phone: str  # E.164
    date_of_birth: dt.date
    notes: str = ""
    booked_by_name: str = ""
    booked_by_relationship: str = ""


def person(seed: int, key: str) -> Person:
    """The patient with this key (``practitioner/YYYYMMDD/...``, from their first visit):
    the same person every time for a seed. Ages run from 7 to 90 on the date in the key;
    a child is booked by a parent."""
    rng = random.Random(f"{seed}:person:{key}")
    today = dt.date.fromisoformat(key.split("/")[1][:8])
    first, last = rng.choice(FIRST), rng.choice(LAST)
    age = rng.choice((rng.randint(7, 15), *(rng.randint(18, 90) for _ in range(11))))
    born = today - dt.timedelta(days=int(365.25 * age) + rng.randrange(365))
    number = rng.randrange(1000)
    handle = f"{first}.{last}".lower().replace("'", "")
    email = f"{handle}{number}@example.{rng.choice(('org', 'com'))}"
    notes = rng.choice(NOTES) if rng.random() < 0.12 else ""
    if age < 16:
        parent = rng.choice(FIRST[:20] if rng.random() < 0.5 else FIRST[28:48])
        return Person(f"{first} {last}", email, f"+447700900{number:03d}", born, notes,
                      f"{parent} {last}", "Parent")  # fmt: skip
    return Person(f"{first} {last}", email, f"+447700900{number:03d}", born, notes)


def reason(seed: int, key: str, service: str) -> str:
    """What the patient said the booking was for."""
    choices = REASONS.get(service, ("",))
    return random.Random(f"{seed}:reason:{key}").choice(choices)
