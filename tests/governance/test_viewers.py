"""viewers_of: who has viewed a participant's record, from the audit trail."""

from portal.governance import audit_search
from tests.casework.conftest import events


def test_viewers_of_lists_staff_when_and_page(world, login):
    client = login(world.vrc)
    assert client.get(f"/h2e/participants/{world.participant.id}").status_code == 200
    viewers = audit_search.viewers_of(world.participant.id)
    assert viewers, events()
    assert viewers[0].user_id == world.vrc.id and viewers[0].name == "Vera Assigned"
    assert viewers[0].page and viewers[0].at.tzinfo is not None
    assert audit_search.viewers_of(world.elsewhere.id) == []
