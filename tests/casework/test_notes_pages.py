"""Issue 16: the notes page is paged (newest first, 50 a page, each note's history one
click away) and takes the same queries whatever the number of notes; long lists page
through a windowed pager."""

import re

from flask import render_template_string

from portal.templating import page_numbers
from tests.support import worlds
from tests.support.queries import statements
from tests.support.web import text_of


def _notes_path(cw, page=None):
    path = f"/{cw.home.slug}/participants/{cw.participant.id}/notes"
    return f"{path}?page={page}" if page is not None else path


def _add_notes(make, cw, n):
    for k in range(n):
        make.note(cw.participant, cw.vrc, text=f"Numbered note {k:03d}")


def _shown(page_html: str) -> list[str]:
    return re.findall(r"Numbered note (\d{3})", page_html)


def test_the_notes_page_shows_fifty_newest_first_and_pages_the_rest(app, make, login):
    cw = worlds.casework(make)
    _add_notes(make, cw, 119)  # with the world's own note: 120
    client = login(cw.vrc)
    first = client.get(_notes_path(cw)).get_data(as_text=True)
    assert _shown(first) == [f"{k:03d}" for k in range(118, 68, -1)]  # the same day: the newest written first
    assert "120 notes, newest first: page 1 of 3" in text_of(client.get(_notes_path(cw)))
    assert 'aria-label="Pages of case notes"' in first and 'rel="next"' in first
    assert f'href="{_notes_path(cw, 2)}"' in first.replace("&amp;", "&")
    last = client.get(_notes_path(cw, 3)).get_data(as_text=True)
    assert _shown(last) == [f"{k:03d}" for k in range(18, -1, -1)] and worlds.CASEWORK_NOTE_TEXT in last
    assert 'rel="prev"' in last and 'rel="next"' not in last
    # Each note's history is one click away.
    assert re.search(rf'href="/{cw.home.slug}/participants/{cw.participant.id}/notes/\d+"', last)
    # A page past the last shows the last; a page that is not a number, the first.
    assert _shown(client.get(_notes_path(cw, 99)).get_data(as_text=True)) == _shown(last)
    assert _shown(client.get(_notes_path(cw, "x")).get_data(as_text=True)) == _shown(first)


def test_the_notes_page_takes_the_same_queries_for_3_notes_as_for_300(app, make, login):
    cw = worlds.casework(make)
    client = login(cw.vrc)

    def page(number=1) -> int:
        with app.app_context(), statements() as seen:  # a session of its own, as every request has
            response = client.get(_notes_path(cw, number))
        assert response.status_code == 200
        return len(seen)

    _add_notes(make, cw, 2)
    page()  # the session's first page writes its own rows; count a steady page
    few = page()
    _add_notes(make, cw, 297)
    assert page() == few and page(4) == few
    assert few <= 20, few


def test_a_pager_shows_at_most_nine_pages_however_many_there_are(app):
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 5) == [1, 2, 3, 4, 5]
    assert page_numbers(1, 521) == [1, 2, 3, None, 521]
    assert page_numbers(260, 521) == [1, None, 258, 259, 260, 261, 262, None, 521]
    assert page_numbers(521, 521) == [1, None, 519, 520, 521]
    assert all(len(page_numbers(p, 521)) <= 9 for p in range(1, 522))
    with app.test_request_context():
        html = render_template_string(
            '{% from "_pager.html" import pager %}{{ pager(260, 521, "caseload.team_caseload", {"org": "h2e"}) }}'
        )
    assert html.count('class="govuk-link govuk-pagination__link"') == 9  # 7 numbers, previous and next
    assert html.count("govuk-pagination__item--ellipsis") == 2
