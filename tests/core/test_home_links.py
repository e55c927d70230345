"""The home page offers only what the user may do (issue 2): every task-list link on
each role's home page opens for that role (no 403 or 404; an admin's staff link may
redirect to their own organisation's page)."""

import re

from tests.registry import ROLES
from tests.support.matrix import build_world, client_for

LINK_RE = re.compile(r'class="govuk-link govuk-task-list__link" href="([^"]+)"')


def test_every_home_page_link_opens_for_its_role(app):
    failures = []
    with app.app_context():
        world = build_world()
        for role in ROLES[1:]:  # every signed-in role of the matrix
            client = client_for(app, world, role)
            page = client.get("/")
            assert page.status_code == 200, role
            shown = LINK_RE.findall(page.get_data(as_text=True))
            if not shown:
                failures.append(f"{role}: the home page offers nothing")
            for href in shown:
                response = client.get(href)
                if response.status_code in (302, 303) and response.headers["Location"].startswith("/"):
                    response = client.get(response.headers["Location"])
                if response.status_code != 200:
                    failures.append(f"{role}: link {href} answers {response.status_code}")
    assert not failures, "\n".join(failures)
