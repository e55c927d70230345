"""Referrals in by form: validation, routing by contract area, duplicates, re-referrals."""

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import ContractArea, Notification, Participant
from portal.referrals import referrals
from portal.validation import Problems
from tests.casework.conftest import errors_of, events, post

REFERRAL = {
    "atw_reference": "atw-2026-0001",
    "first_name": "Sam",
    "last_name": "Okafor",
    "date_of_birth": ["3", "4", "1979"],
    "ni_number": "jt 11 22 33 c",
    "email": "sam@example.com",
    "phone": "",
    "address_line_1": "2 Lane",
    "address_line_2": "",
    "town": "Leeds",
    "postcode": "ls1 4ap",
    "occupation": "Nurse",
    "employer": "NHS",
    "health_information": "Anxiety after a car accident",
}


@pytest.fixture
def areas(cw):
    now = clock.now()
    db.session.add_all(
        [
            ContractArea(area="LS", org_id=cw.home.id, changed_at=now),
            ContractArea(area="M", org_id=cw.other.id, changed_at=now),
        ]
    )
    db.session.commit()


def _by_ref(ref):
    return db.session.scalars(select(Participant).where(Participant.atw_reference == ref)).first()


def test_take_in_a_referral_for_our_area(cw, areas, login):
    client = login(cw.tm)
    assert client.get(f"/{cw.home.slug}/referrals/new").status_code == 200
    response = post(client, f"/{cw.home.slug}/referrals/new", REFERRAL)
    assert response.status_code == 302
    p = _by_ref("ATW-2026-0001")
    assert (p.org_id, p.status, p.assigned_vrc_id, p.ni_number, p.postcode) == (
        cw.home.id,
        "referred",
        None,
        "JT112233C",
        "LS1 4AP",
    )
    assert response.headers["Location"].endswith(f"/participants/{p.id}")
    assert p.referred_at == clock.now() or p.referred_at is not None
    notes = db.session.scalars(select(Notification).where(Notification.user_id == cw.tm.id)).all()
    assert len(notes) == 1 and "Okafor" not in notes[0].text and notes[0].link == f"/{cw.home.slug}/team/unallocated"
    event = events("participant.referred", participant_id=p.id)[0]
    assert event.org_id == cw.home.id and "JT112233C" not in str(event.detail)


def test_routing_to_another_partner_and_to_the_lead(cw, areas, login):
    client = login(cw.tm)
    response = post(client, f"/{cw.home.slug}/referrals/new", {**REFERRAL, "postcode": "M1 1AE"}, follow_redirects=True)
    assert "Salus" in response.get_data(as_text=True)
    assert _by_ref("ATW-2026-0001").org_id == cw.other.id
    assert db.session.scalars(select(Notification).where(Notification.user_id == cw.salus_tm.id)).all()
    post(
        client,
        f"/{cw.home.slug}/referrals/new",
        {**REFERRAL, "atw_reference": "ATW-2026-0002", "ni_number": "JT112244C", "postcode": "EX1 1AA"},
    )
    assert _by_ref("ATW-2026-0002").org_id == cw.lead.id  # no contract area: the lead's queue
    assert login(cw.lead_tm).get(f"/{cw.lead.slug}/team/unallocated").get_data(as_text=True).count("ATW-2026-0002") == 1


def test_bad_referral_keeps_input_and_lists_every_problem(cw, areas, login):
    response = post(
        login(cw.tm),
        f"/{cw.home.slug}/referrals/new",
        {
            **REFERRAL,
            "ni_number": "QQ123456C",
            "postcode": "LS1",
            "email": "nope",
            "phone": "12",
            "date_of_birth": ["1", "1", str(clock.today().year - 10)],
            "first_name": "",
            "atw_reference": "!",
        },
    )
    assert response.status_code == 200
    assert set(errors_of(response)) == {
        "Enter the Access to Work reference as it appears on the referral: "
        "4 to 30 letters, numbers, hyphens or slashes",
        "Enter the first name",
        "The participant must be aged 16 or over",
        "Enter a National Insurance number in the correct format, like QQ 12 34 56 C, with a valid prefix",
        "Enter an email address in the correct format, like name@example.com",
        "Enter a UK phone number, like 07700 900 982 or +44 7700 900 982",
        "Enter a real UK postcode, like LS1 4AP",
    }
    body = response.get_data(as_text=True)
    assert 'value="QQ123456C"' in body and 'value="Okafor"' in body
    assert db.session.query(Participant).filter_by(last_name="Okafor").count() == 0


def test_a_reference_held_elsewhere_is_already_referred_without_saying_where(cw, areas, login, make):
    make.participant(cw.other, cw.salus_vrc, atw_reference="ATW-2026-0001")
    response = post(login(cw.tm), f"/{cw.home.slug}/referrals/new", REFERRAL)
    body = response.get_data(as_text=True)
    assert errors_of(response) == [
        "This person has already been referred: the Access to Work reference is already in use"
    ]
    assert "Salus" not in body and "salus" not in body


def test_a_reference_on_our_own_caseload(cw, areas, login, make):
    make.participant(cw.home, cw.vrc, atw_reference="ATW-2026-0001")
    response = post(login(cw.tm), f"/{cw.home.slug}/referrals/new", REFERRAL)
    assert errors_of(response) == ["This Access to Work reference is already on your organisation’s caseload"]


def test_an_open_case_for_the_same_person_elsewhere(cw, areas, login, make):
    make.participant(cw.other, cw.salus_vrc, ni_number="JT112233C")
    response = post(login(cw.tm), f"/{cw.home.slug}/referrals/new", REFERRAL)
    assert errors_of(response) == ["This person has already been referred: their case is still open"]


def test_a_re_referral_links_the_earlier_closed_episode(cw, areas, login, make):
    earlier = make.participant(
        cw.home, cw.vrc, ni_number="JT112233C", status="completed", closed_on=clock.today(), closure_reason="Done"
    )
    elsewhere = make.participant(
        cw.other, cw.salus_vrc, ni_number="JT998877A", status="withdrawn", closed_on=clock.today()
    )
    client = login(cw.tm)
    post(client, f"/{cw.home.slug}/referrals/new", REFERRAL)
    p = _by_ref("ATW-2026-0001")
    assert p.previous_episode_id == earlier.id
    page = client.get(f"/{cw.home.slug}/participants/{p.id}").get_data(as_text=True)
    assert "Re-referral" in page and f"/participants/{earlier.id}" in page
    # An earlier episode in another organisation: marked, but not linked.
    post(
        client,
        f"/{cw.home.slug}/referrals/new",
        {**REFERRAL, "atw_reference": "ATW-2026-0003", "ni_number": "JT998877A"},
    )
    again = _by_ref("ATW-2026-0003")
    assert again.previous_episode_id == elsewhere.id
    page = client.get(f"/{cw.home.slug}/participants/{again.id}").get_data(as_text=True)
    assert "Re-referral" in page and f"/participants/{elsewhere.id}" not in page


def test_take_in_service_without_a_request(cw, areas):
    taken = referrals.take_in({**REFERRAL, "date_of_birth": "1979-04-03"}, taken_in_by=cw.home, user_id=None)
    assert taken.org.id == cw.home.id and not taken.re_referral
    with pytest.raises(Problems):
        referrals.take_in({**REFERRAL, "date_of_birth": "1979-04-03"}, taken_in_by=cw.home, user_id=None)
