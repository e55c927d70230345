"""Deterministic demo data for a first run and for the browser tests.

Passwords and TOTP secrets are fixed (derived from the email address), so the
accounts printed by ``make run`` always work and running the seed twice changes
nothing. Never used in production: the command refuses there.
"""

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from portal import clock, tenancy
from portal.accounts.passwords import hash_password
from portal.demo.api import api_clients_document, seed_api_clients
from portal.demo.consent import seed_consent
from portal.demo.contract_areas import seed_contract_areas
from portal.demo.participants import participants_document, seed_participants
from portal.extensions import db
from portal.models import Membership, Organisation, User

DEMO_PASSWORD = "demo-portal-password-2026"

ORGANISATIONS = [
    ("ingeus", "Ingeus UK", "lead"),
    ("h2e", "Health 2 Employment", "delivery"),
    ("case-uk", "Case UK", "delivery"),
    ("salus", "Salus", "delivery"),
    ("tbhg", "The Better Health Generation", "delivery"),
    ("dwp", "Department for Work and Pensions", "commissioner"),
]

# (local part, name, position, roles) per organisation.
_DELIVERY_STAFF = [
    ("vrc1", "VRC", ("vrc",)),
    ("vrc2", "VRC", ("vrc",)),
    ("manager", "Team manager", ("team_manager",)),
    ("admin", "Administrator", ("admin",)),
]
_EXTRA_STAFF = {
    "ingeus": [
        ("ooh", "Out-of-hours adviser", ("ooh",)),
        ("dpo", "Data Protection Officer", ("dpo",)),
        ("contracts", "Contract manager", ("contract_manager",)),
    ],
    "h2e": [("ooh", "Out-of-hours adviser", ("ooh",))],
    "dwp": [("analyst", "Contract analyst", ("dwp",))],
}
_FIRST_NAMES = [
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Ellen",
    "Femi",
    "Grace",
    "Harvey",
    "Isla",
    "Jon",
    "Kiran",
    "Laura",
    "Marcus",
    "Nia",
    "Owen",
    "Priya",
    "Rhys",
    "Sana",
    "Tom",
    "Uma",
    "Viktor",
    "Wendy",
    "Yusuf",
    "Zara",
    "Aled",
    "Bea",
    "Callum",
    "Dina",
    "Eoin",
    "Fay",
]
_SURNAMES = [
    "Ahmed",
    "Brooks",
    "Clarke",
    "Davies",
    "Evans",
    "Foster",
    "Gill",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nolan",
    "Owusu",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walsh",
    "Young",
    "Zielinski",
]


@dataclass
class DemoAccount:
    email: str
    name: str
    position: str
    org: str
    roles: tuple[str, ...]

    @property
    def totp_secret(self) -> str:
        return demo_totp_secret(self.email)


def demo_totp_secret(email: str) -> str:
    digest = hashlib.sha256(f"atw-mhss-demo:{email}".encode()).digest()
    return base64.b32encode(digest[:20]).decode()


def demo_accounts() -> list[DemoAccount]:
    accounts = []
    n = 0
    for slug, _name, kind in ORGANISATIONS:
        staff = list(_DELIVERY_STAFF) if kind != "commissioner" else []
        staff += _EXTRA_STAFF.get(slug, [])
        for local, position, roles in staff:
            person = f"{_FIRST_NAMES[n % len(_FIRST_NAMES)]} {_SURNAMES[(n * 7) % len(_SURNAMES)]}"
            n += 1
            accounts.append(DemoAccount(f"{local}@{slug}.example", person, position, slug, roles))
    return accounts


# Demo staff whose training date is older than this get a recent one when seed-demo runs
# again (well before the 12-month training gate would lock them out).
DEMO_TRAINING_REFRESH = timedelta(days=180)


def seed() -> dict[str, Any]:
    """Create whatever of the demo data is missing; returns the --json document."""
    orgs: dict[str, Organisation] = {}
    for slug, name, kind in ORGANISATIONS:
        org = tenancy.organisation_by_slug(slug)
        if org is None:
            org = Organisation(slug=slug, name=name, kind=kind)
            db.session.add(org)
            db.session.flush()
        orgs[slug] = org
    password_hash = None
    for account in demo_accounts():
        user = db.session.scalars(select(User).where(User.email == account.email)).first()
        if user is None:
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            user = User(
                email=account.email,
                name=account.name,
                position=account.position,
                password_hash=password_hash,
                totp_secret=account.totp_secret,
                active=True,
                created_at=clock.now(),
                password_changed_at=clock.now(),
                dp_training_completed_on=clock.today() - timedelta(days=30),
            )
            db.session.add(user)
            db.session.flush()
        elif not user.dp_training_completed_on or user.dp_training_completed_on < clock.today() - DEMO_TRAINING_REFRESH:
            # A demo database kept for months: its staff stay trained (recent relative to today).
            user.dp_training_completed_on = clock.today() - timedelta(days=30)
        held = user.roles_in(orgs[account.org].id)
        for role in account.roles:
            if role not in held:
                db.session.add(Membership(user=user, org_id=orgs[account.org].id, role=role))
    db.session.commit()
    for extend in EXTENSIONS:
        extend(orgs)
    return document()


# Later areas add their demo data (participants, API clients) with seed functions
# taking the organisations by slug; each must be idempotent.
EXTENSIONS: list[Callable[[dict[str, Organisation]], None]] = [
    seed_contract_areas,
    seed_participants,
    seed_consent,
    seed_api_clients,
]
# ... and add lists to the --json document.
DOCUMENT_PARTS: list[Callable[[], dict[str, Any]]] = [participants_document, api_clients_document]


def document() -> dict[str, Any]:
    doc: dict[str, Any] = {
        "accounts": [
            {
                "email": a.email,
                "password": DEMO_PASSWORD,
                "totp_secret": a.totp_secret,
                "org": a.org,
                "roles": list(a.roles),
                "name": a.name,
            }
            for a in demo_accounts()
        ]
    }
    for part in DOCUMENT_PARTS:
        doc.update(part())
    return doc
