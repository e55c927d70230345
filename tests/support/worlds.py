"""The worlds the tests run against, built through the factories (tests/factories.py).

Each returns a namespace of the organisations, staff and records it made; the area
conftests expose them as fixtures (``cw``, ``w``, ``svc``).
"""

from datetime import timedelta
from types import SimpleNamespace

from portal import clock

CASEWORK_HEALTH_TEXT = "HEALTHMARKER-Z81 low mood since the spring"
CASEWORK_NOTE_TEXT = "NOTEMARKER-P55 talked about the commute"
OOH_HEALTH_TEXT = "HEALTHMARKER-OOH3 panic attacks at night"
OOH_NOTE_TEXT = "NOTEMARKER-OOH8 spoke about the night shifts"


def _partners_and_vrcs(make) -> SimpleNamespace:
    """The lead partner, h2e (``home``) and Salus (``other``); h2e's two VRCs and its
    team manager."""
    w = SimpleNamespace()
    w.lead = make.org("ingeus", kind="lead", name="Ingeus UK")
    w.home = make.org("h2e", name="Health 2 Employment")
    w.other = make.org("salus", name="Salus")
    w.vrc = make.user(w.home, ["vrc"], name="Vera Assigned")
    w.other_vrc = make.user(w.home, ["vrc"], name="Omar Colleague")
    w.tm = make.user(w.home, ["team_manager"], name="Tess Manager")
    return w


def casework(make) -> SimpleNamespace:
    """A small service (lead, two delivery partners), its staff and a participant of h2e
    assigned to ``vrc`` with a health text and a case note (the markers above)."""
    w = _partners_and_vrcs(make)
    w.ooh = make.user(w.home, ["ooh"])
    w.admin = make.user(w.home, ["admin"], name="Ada Admin")
    w.dpo = make.user(w.lead, ["dpo"])
    w.salus_vrc = make.user(w.other, ["vrc"])
    w.salus_tm = make.user(w.other, ["team_manager"])
    w.lead_tm = make.user(w.lead, ["team_manager"])
    w.participant = make.participant(w.home, w.vrc, health_information=CASEWORK_HEALTH_TEXT)
    w.note = make.note(w.participant, w.vrc, text=CASEWORK_NOTE_TEXT)
    w.elsewhere = make.participant(w.other, w.salus_vrc)
    return w


def out_of_hours(make) -> SimpleNamespace:
    """The casework service with out-of-hours staff at h2e and the lead partner, and
    h2e's participant (health text, a case note, an appointment in three days)."""
    w = _partners_and_vrcs(make)
    w.ooh = make.user(w.home, ["ooh"], name="Hal Homeline")
    w.ooh_lead = make.user(w.lead, ["ooh"], name="Olu Nightline")
    w.admin = make.user(w.home, ["admin"], name="Ada Admin")
    w.dpo = make.user(w.lead, ["dpo"], name="Dee Protection")
    w.salus_vrc = make.user(w.other, ["vrc"])
    w.salus_tm = make.user(w.other, ["team_manager"], name="Sal Manager")
    w.participant = make.participant(
        w.home,
        w.vrc,
        first_name="Maryam",
        last_name="O'Brien",
        postcode="LS6 2QT",
        phone="07700900777",
        email="maryam.obrien@example.com",
        health_information=OOH_HEALTH_TEXT,
    )
    w.note = make.note(w.participant, w.vrc, text=OOH_NOTE_TEXT)
    w.appointment = make.appointment(w.participant, starts_at=clock.now() + timedelta(days=3))
    w.elsewhere = make.participant(w.other, w.salus_vrc, first_name="Sam", last_name="Elsewhere", postcode="CF10 1AA")
    return w


def organisations(make, dwp_as: str = "dwp", dwp_name: str = "DWP") -> SimpleNamespace:
    """The lead partner, h2e and Salus (delivery partners) and DWP (the commissioner,
    under the attribute ``dwp_as``)."""
    w = SimpleNamespace()
    w.lead = make.org("ingeus", kind="lead", name="Ingeus UK")
    w.h2e = make.org("h2e", name="Health 2 Employment")
    w.salus = make.org("salus", name="Salus")
    setattr(w, dwp_as, make.org("dwp", kind="commissioner", name=dwp_name))
    return w


def reporting(make) -> SimpleNamespace:
    """The service (lead partner, two delivery partners, DWP) and its staff."""
    w = organisations(make, dwp_as="dwp_org", dwp_name="Department for Work and Pensions")
    w.cm = make.user(w.lead, ["contract_manager"], name="Carla Contracts")
    w.dwp = make.user(w.dwp_org, ["dwp"], name="Dev Analyst")
    w.lead_admin = make.user(w.lead, ["admin"], name="Lee Admin")
    w.dpo = make.user(w.lead, ["dpo"])
    w.vrc = make.user(w.h2e, ["vrc"], name="Vera VRC")
    w.tm = make.user(w.h2e, ["team_manager"], name="Tom Manager")
    w.salus_vrc = make.user(w.salus, ["vrc"])
    return w
