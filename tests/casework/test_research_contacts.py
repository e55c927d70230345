"""The research and focus-group contact list (issue 15, item 5): a team manager's list of
their own organisation's participants with a live research consent, no research
objection, not restricted; one audited read; a CSV export that is a disclosure per
participant relying on the research consent, written formula-safe."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.casework import research_contacts
from portal.extensions import db
from portal.models import Disclosure
from portal.models.rights import Objection
from tests.casework.conftest import events, post
from tests.support.queries import statements


@pytest.fixture
def rc(cw, make):
    """h2e's participants in every research state, and one of salus with a live consent."""
    make.privacy_notice()
    hour = timedelta(hours=1)
    s = cw
    s.live = make.participant(cw.home, cw.vrc, last_name="Live")
    s.live_consent = make.consent(s.live, "research_contact", decided_at=clock.now() - 2 * hour)
    s.refused = make.participant(cw.home, cw.vrc, last_name="Refused")
    make.consent(s.refused, "research_contact", "refused")
    s.withdrawn = make.participant(cw.home, cw.vrc, last_name="Withdrawn")
    make.withdrawal(make.consent(s.withdrawn, "research_contact", decided_at=clock.now() - 2 * hour))
    s.restricted = make.participant(
        cw.home,
        cw.vrc,
        last_name="Restricted",
        restricted=True,
        restriction_reason="Accuracy contested",
        restricted_at=clock.now(),
    )
    make.consent(s.restricted, "research_contact")
    s.objecting = make.participant(cw.home, cw.vrc, last_name="Objecting")
    make.consent(s.objecting, "research_contact")
    db.session.add(
        Objection(org_id=cw.home.id, participant_id=s.objecting.id, scope="research", recorded_at=clock.now())
    )
    s.gp_only = make.participant(cw.home, cw.vrc, last_name="GpOnly")
    make.consent(s.gp_only, "gp_contact")
    s.salus = make.participant(cw.other, cw.salus_vrc, last_name="Salus")
    make.consent(s.salus, "research_contact")
    db.session.commit()
    return s


def url(org):
    return f"/{org.slug}/team/research-contacts"


def test_only_live_unobjecting_unrestricted_participants_of_the_org(rc):
    found = [c.participant_id for c in research_contacts.contacts(rc.home)]
    assert found == [rc.live.id]
    assert [c.participant_id for c in research_contacts.contacts(rc.other)] == [rc.salus.id]


def test_a_withdrawal_an_objection_or_a_restriction_takes_them_off_at_once(rc, make):
    make.withdrawal(rc.live_consent)
    assert research_contacts.contacts(rc.home) == []
    # A later decision after the withdrawal brings them back; an objection removes them again.
    make.consent(rc.live, "research_contact")
    assert [c.participant_id for c in research_contacts.contacts(rc.home)] == [rc.live.id]
    db.session.add(Objection(org_id=rc.home.id, participant_id=rc.live.id, scope="research", recorded_at=clock.now()))
    db.session.commit()
    assert research_contacts.contacts(rc.home) == []


def test_team_manager_sees_the_list_and_one_event_names_who_was_shown(rc, login):
    client = login(rc.tm)
    response = client.get(url(rc.home))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Live" in html and rc.live.atw_reference in html
    for other in (rc.refused, rc.withdrawn, rc.restricted, rc.objecting, rc.gp_only, rc.salus):
        assert other.atw_reference not in html
    listed = events("participants.listed")
    assert len(listed) == 1
    assert listed[0].detail == {"view": "caseload.research_contacts", "participant_ids": [rc.live.id]}
    assert "govuk-table" in html


@pytest.mark.parametrize(
    "who, code", [("vrc", 403), ("ooh", 403), ("admin", 403), ("salus_tm", 404), ("lead_tm", 404), ("dpo", 404)]
)
def test_other_roles_and_other_organisations_are_refused(rc, login, who, code):
    client = login(getattr(rc, who))
    assert client.get(url(rc.home)).status_code == code
    assert client.post(url(rc.home) + ".csv").status_code in (code, 400)  # no CSRF token: never a 200
    assert events("participants.listed") == []
    assert db.session.scalars(select(Disclosure)).all() == []


def test_home_page_links_the_list_for_team_managers_only(rc, login):
    assert url(rc.home) in login(rc.tm).get("/").get_data(as_text=True)
    assert url(rc.home) not in login(rc.vrc).get("/").get_data(as_text=True)


def test_csv_export_is_a_disclosure_per_participant_relying_on_their_research_consent(rc, login, make):
    second = make.participant(
        rc.home, rc.vrc, first_name='=HYPERLINK("http://x","y")', last_name="Second", phone="+44 7700 900123"
    )
    second_consent = make.consent(second, "research_contact")
    client = login(rc.tm)
    response = post(client, url(rc.home) + ".csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == research_contacts.HEADER
    by_ref = {r[0]: r for r in rows[1:]}
    assert set(by_ref) == {rc.live.atw_reference, second.atw_reference}
    # Formula-safe: the name and the phone number come out as text, readable.
    assert by_ref[second.atw_reference][1] == '\'=HYPERLINK("http://x","y")'
    assert by_ref[second.atw_reference][4] == "'+44 7700 900123"
    made = db.session.scalars(select(Disclosure).order_by(Disclosure.participant_id)).all()
    assert [(d.participant_id, d.consent_id, d.source) for d in made] == [
        (rc.live.id, rc.live_consent.id, "research_contacts"),
        (second.id, second_consent.id, "research_contacts"),
    ]
    assert all(d.recipient_type == "other" and d.disclosed_by_id == rc.tm.id for d in made)
    exported = events("research_contacts.exported")
    assert len(exported) == 1 and exported[0].detail["participant_ids"] == [rc.live.id, second.id]
    assert len(events("disclosure.recorded")) == 2


def test_export_with_nobody_on_the_list_discloses_nothing(cw, login, make):
    make.privacy_notice()
    response = post(login(cw.tm), url(cw.home) + ".csv")
    assert response.status_code == 200
    assert list(csv.reader(io.StringIO(response.get_data(as_text=True)))) == [research_contacts.HEADER]
    assert db.session.scalars(select(Disclosure)).all() == []


def _count_queries(client, path):
    with statements() as seen:
        response = client.get(path)
    assert response.status_code == 200
    inserts = [s for s in seen if s.upper().startswith("INSERT INTO AUDIT")]
    return len(seen), len(inserts)


def test_opening_the_list_costs_the_same_at_3_and_30_rows(rc, login, make):
    def add(n):
        for _ in range(n):
            p = make.participant(rc.home, rc.vrc)
            consent = make.consent(p, "research_contact", decided_at=clock.now() - timedelta(hours=3))
            make.withdrawal(consent, withdrawn_at=clock.now() - timedelta(hours=2))
            make.consent(p, "research_contact", decided_at=clock.now() - timedelta(hours=1))
            make.consent(p, "gp_contact")

    client = login(rc.tm)
    add(2)
    client.get(url(rc.home))  # warm up: first-request work is not the page's
    at_3 = _count_queries(client, url(rc.home))
    assert len(events("participants.listed")[-1].detail["participant_ids"]) == 3
    add(27)
    at_30 = _count_queries(client, url(rc.home))
    assert len(events("participants.listed")[-1].detail["participant_ids"]) == 30
    assert at_3 == at_30
    assert at_30[1] == 1  # one audit insert, whatever the length
