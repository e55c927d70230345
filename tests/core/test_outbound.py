"""Where data lives (issue 15, item 6): the README's section is rendered from the one
list in portal/outbound.py, and the main journeys (sign-in, casework pages, an email
through GOV.UK Notify, a GP letter, a contract report, the API) reach no host that is
neither loopback, one of the portal's own stores nor on that list.

Every name resolution and socket connection is recorded; an outbound one is refused
after it is noted (the tests never leave the machine), so the email job meets an
unreachable Notify and the recorder proves it tried exactly that host."""

import ipaddress
import os
import socket
from datetime import timedelta
from urllib.parse import urlsplit

import pyotp
import pytest
from sqlalchemy import select

from portal import clock, demo, months, notifications, outbound
from portal.casework import gp_letters
from portal.demo.api import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from portal.extensions import db
from portal.models import Consent, ConsentPurpose, OutboxMessage, Participant, User
from portal.models.sharing import SEND_METHODS
from portal.reporting import report_drafts, report_publication
from tests.support.web import csrf_from

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")
# A key in Notify's format (name, service id, secret): the client accepts it, Notify never sees it.
FAKE_NOTIFY_KEY = "portal_test-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"


def test_readme_where_data_lives_is_the_list():
    readme = open(README, encoding="utf-8").read()
    start = readme.index("## Where data lives\n")
    end = readme.index("\n## ", start + 1) + 1
    assert readme[start:end] == outbound.readme_section() + "\n"
    for entry in outbound.OUTBOUND_HOSTS:
        assert entry.host and entry.receives and entry.hosted_in and entry.settings


def test_notify_is_called_at_the_listed_address():
    assert outbound.url_of("GOV.UK Notify") == "https://api.notifications.service.gov.uk"
    assert "api.notifications.service.gov.uk" in outbound.allowed_hosts()


def _loopback(host) -> bool:
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


class OutboundRecorder:
    """Notes every non-loopback name looked up and address connected to; lets the
    portal's own stores through and refuses everything else after noting it."""

    def __init__(self, own_hosts):
        self.own = {h for h in own_hosts if h}
        self.seen: list[str] = []

    def install(self, monkeypatch):
        real_getaddrinfo, real_connect, real_connect_ex = (
            socket.getaddrinfo,
            socket.socket.connect,
            socket.socket.connect_ex,
        )

        def getaddrinfo(host, *args, **kwargs):
            name = host.decode() if isinstance(host, bytes) else host
            if not _loopback(name) and name not in self.own:
                self.seen.append(name)
                raise socket.gaierror(socket.EAI_NONAME, "outbound lookups are refused in this test")
            return real_getaddrinfo(host, *args, **kwargs)

        def check(sock, address):
            if (
                sock.family in (socket.AF_INET, socket.AF_INET6)
                and not _loopback(address[0])
                and address[0] not in self.own
            ):
                self.seen.append(address[0])
                raise ConnectionRefusedError("outbound connections are refused in this test")

        def connect(sock, address):
            check(sock, address)
            return real_connect(sock, address)

        def connect_ex(sock, address):
            check(sock, address)
            return real_connect_ex(sock, address)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture
def recorder(app, monkeypatch):
    own = [
        urlsplit(app.config.get(name) or "").hostname
        for name in ("SQLALCHEMY_DATABASE_URI", "DATABASE_OWNER_URL", "REDIS_URL")
    ]
    found = OutboundRecorder(own)
    found.install(monkeypatch)
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", FAKE_NOTIFY_KEY)
    monkeypatch.setitem(app.config, "NOTIFY_TEMPLATE_EMAIL", "f33517ff-2a88-4f6e-b855-c550268ce08a")
    return found


def _sign_in(client, account):
    page = client.get("/login")
    response = client.post(
        "/login", data={"csrf_token": csrf_from(page), "email": account["email"], "password": account["password"]}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    user = db.session.scalars(select(User).where(User.email == account["email"])).one()
    step = pyotp.TOTP(account["totp_secret"]).timecode(clock.now())
    if user.totp_last_step is not None and step <= user.totp_last_step:
        clock.advance(timedelta(seconds=30 * (user.totp_last_step - step + 1)))
    page = client.get("/login/code")
    code = pyotp.TOTP(account["totp_secret"]).at(clock.now())
    response = client.post("/login/code", data={"csrf_token": csrf_from(page), "code": code})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return user


def test_main_journeys_call_only_listed_hosts(app, app_ctx, recorder):
    doc = demo.seed()
    accounts = {a["email"]: a for a in doc["accounts"]}
    vrc_account = accounts["vrc1@h2e.example"]

    # Sign-in and casework pages.
    client = app.test_client()
    vrc = _sign_in(client, vrc_account)
    assert client.get("/").status_code == 200
    assert client.get("/h2e/caseload").status_code == 200
    mine = db.session.scalars(
        select(Participant).where(Participant.assigned_vrc_id == vrc.id, Participant.restricted.is_(False))
    ).all()
    assert mine
    for participant in mine[:3]:
        assert client.get(f"/h2e/participants/{participant.id}").status_code == 200

    # A notification, its email sent by a job through GOV.UK Notify (unreachable here).
    notifications.notify(vrc.id, "test.outbound", "Referral 1 has been allocated to you", "/")
    db.session.commit()
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    with pytest.raises(Exception):
        notifications.send_email(message.id)
    db.session.rollback()

    # A GP letter, drafted, issued as a PDF and recorded as sent.
    gp = db.session.scalars(select(ConsentPurpose).where(ConsentPurpose.code == "gp_contact")).one()
    given = {
        c.participant_id
        for c in db.session.scalars(select(Consent).where(Consent.purpose_id == gp.id, Consent.decision == "given"))
    }
    participant = next(
        p
        for p in db.session.scalars(select(Participant).where(Participant.restricted.is_(False)))
        if p.id in given and gp_letters.consents.live_consent(p, "gp_contact") is not None
    )
    purpose_categories = list(gp_letters.consents.purpose_by_code("gp_contact").data_categories)
    letter = gp_letters.draft_letter(
        participant,
        "Dear Doctor",
        "The Surgery",
        "1 High Street\nLeeds\nLS1 1AA",
        "About how work is going.",
        purpose_categories[:1],
        vrc.id,
    )
    letter = gp_letters.issue_letter(participant, letter, vrc.id)
    gp_letters.record_sent(participant, letter, next(iter(SEND_METHODS)), clock.now(), vrc.id)

    # A contract report: built, published, downloaded by DWP through the API.
    manager = db.session.scalars(select(User).where(User.email.like("%contract%"))).first()
    month = months.Month.current().previous()
    report_drafts.build_draft(month.key, manager.id)
    draft = report_drafts.draft_of(month)
    report_publication.publish(month, draft.content_sha256, manager.id)

    api = app.test_client()
    token = api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET},
    )
    assert token.status_code == 200, token.get_data(as_text=True)
    bearer = {"Authorization": f"Bearer {token.get_json()['access_token']}"}
    listed = api.get("/api/v1/reports", headers=bearer)
    assert listed.status_code == 200
    assert api.get("/api/v1/openapi.json").status_code == 200

    assert "api.notifications.service.gov.uk" in recorder.seen, "the email job should have tried Notify"
    unlisted = sorted(set(recorder.seen) - outbound.allowed_hosts())
    assert not unlisted, f"outbound hosts missing from portal/outbound.py: {unlisted}"
