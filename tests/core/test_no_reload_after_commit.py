"""Issue 17, stage (c): a commit does not expire what the session has loaded. The notes
page loads its notes, then the view's audit commits; before, the template reloaded every
note one by one (1,006 notes, 2,031 queries). Now the page takes the same queries for 3
notes as for 30."""

from portal.extensions import db
from tests.support import worlds
from tests.support.queries import statements


def test_the_session_keeps_loaded_objects_across_a_commit(app, make):
    assert db.session.session_factory.kw["expire_on_commit"] is False  # in tests' rolled-back blocks too
    cw = worlds.casework(make)
    assert cw.note.current.text == worlds.CASEWORK_NOTE_TEXT  # loads the note's versions
    db.session.commit()
    with statements() as seen:
        assert cw.note.current.text == worlds.CASEWORK_NOTE_TEXT
    assert seen == []


def test_the_notes_page_takes_the_same_queries_for_3_notes_as_for_30(app, make, login):
    cw = worlds.casework(make)
    client = login(cw.vrc)
    path = f"/{cw.home.slug}/participants/{cw.participant.id}/notes"

    def add(n):
        for k in range(n):
            make.note(cw.participant, cw.vrc, text=f"Note {k}")

    def page() -> int:
        with app.app_context(), statements() as seen:  # a session of its own, as every request has
            response = client.get(path)
        assert response.status_code == 200
        return len(seen)

    add(2)
    page()  # the session's first page writes its own rows; count a steady page
    few = page()
    add(27)
    many = page()
    assert many == few, (few, many)  # with commits expiring: 20 queries for 3 notes, 74 for 30
