"""flask seed-demo (issue 2): the organisations and staff the issue lists, the --json
document, a second run changing nothing, demo accounts that sign in, and a refusal in
production. Later areas' demo data (participants, API clients) is left out here to keep
the test fast; tests/casework/test_demo.py covers the participants."""

import json
from collections import Counter, defaultdict
from datetime import timedelta

import pyotp
from sqlalchemy import func, select

from portal import clock, demo
from portal.extensions import db
from portal.models import Membership, Organisation, User
from tests.support.web import csrf_from


def _staff_only(monkeypatch):
    monkeypatch.setattr(demo, "EXTENSIONS", [])
    monkeypatch.setattr(demo, "DOCUMENT_PARTS", [])


def _snapshot():
    orgs = sorted(db.session.execute(select(Organisation.slug, Organisation.kind)).all())
    users = sorted(db.session.execute(select(User.email, User.password_hash, User.totp_secret)).all())
    memberships = db.session.scalar(select(func.count()).select_from(Membership))
    return orgs, users, memberships


def test_seed_demo_makes_the_listed_accounts_once(app, app_ctx, monkeypatch, tmp_path):
    _staff_only(monkeypatch)
    path = tmp_path / "accounts.json"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--json", str(path)])
    assert result.exit_code == 0, result.output

    kinds = dict(db.session.execute(select(Organisation.slug, Organisation.kind)).all())
    assert kinds == {
        "ingeus": "lead",
        "h2e": "delivery",
        "case-uk": "delivery",
        "salus": "delivery",
        "tbhg": "delivery",
        "dwp": "commissioner",
    }
    held = defaultdict(Counter)  # org slug -> role -> how many hold it
    for slug, role in db.session.execute(
        select(Organisation.slug, Membership.role).join(Membership, Membership.org_id == Organisation.id)
    ):
        held[slug][role] += 1
    for slug in ("ingeus", "h2e", "case-uk", "salus", "tbhg"):
        assert held[slug]["vrc"] >= 2 and held[slug]["team_manager"] >= 1 and held[slug]["admin"] >= 1, slug
    for role in ("dpo", "contract_manager"):
        assert held["ingeus"][role] >= 1, role
    assert held["ingeus"]["ooh"] >= 1
    assert any(held[slug]["ooh"] for slug in ("h2e", "case-uk", "salus", "tbhg"))
    assert held["dwp"]["dwp"] >= 1
    recent = clock.today().replace(year=clock.today().year - 1)
    assert all(d and d > recent for d in db.session.scalars(select(User.dp_training_completed_on)))

    doc = json.loads(path.read_text())
    users = {u.email: u for u in db.session.scalars(select(User))}
    assert len(doc["accounts"]) == len(users)
    for account in doc["accounts"]:
        assert {"email", "password", "totp_secret", "org", "roles"} <= set(account)
        user = users[account["email"]]
        assert user.totp_secret == account["totp_secret"]
        assert sorted(user.roles_in(next(o.id for o in user.organisations() if o.slug == account["org"]))) == sorted(
            account["roles"]
        )

    # Running it again changes nothing, and writes the same document.
    before = _snapshot()
    again = tmp_path / "again.json"
    assert runner.invoke(args=["seed-demo", "--json", str(again)]).exit_code == 0
    db.session.expire_all()
    assert _snapshot() == before
    assert json.loads(again.read_text()) == doc

    # A year later the demo staff are still trained (recent relative to that day).
    clock.freeze(clock.now() + timedelta(days=400))
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.expire_all()
    assert all(
        d == clock.today() - timedelta(days=30) for d in db.session.scalars(select(User.dp_training_completed_on))
    )
    clock.reset()

    # A demo account signs in with the password and a code from its printed secret.
    account = next(a for a in doc["accounts"] if a["email"] == "vrc1@h2e.example")
    client = app.test_client()
    page = client.get("/login")
    response = client.post(
        "/login", data={"csrf_token": csrf_from(page), "email": account["email"], "password": account["password"]}
    )
    assert response.headers["Location"].endswith("/login/code")
    page = client.get("/login/code")
    code = pyotp.TOTP(account["totp_secret"]).at(clock.now())
    response = client.post("/login/code", data={"csrf_token": csrf_from(page), "code": code})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_seed_demo_refuses_to_run_in_production(app, app_ctx, monkeypatch):
    _staff_only(monkeypatch)
    monkeypatch.setitem(app.config, "PORTAL_ENV", "production")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refuses to run when PORTAL_ENV=production" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
