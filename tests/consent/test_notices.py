"""Privacy notice versions: the DPO drafts and publishes; published versions are
read-only; the current one is the one shown when consent is recorded."""

from datetime import timedelta

import pytest

from portal import clock
from portal.consent import privacy_notices
from portal.consent.privacy_notices import NoticePublished
from portal.validation import Problems
from tests.casework.conftest import errors_of, post


def _date(day):
    return [str(day.day), str(day.month), str(day.year)]


def test_dpo_drafts_changes_and_publishes_a_version(world, login):
    dpo = login(world.dpo)
    assert "Version 1" in dpo.get("/dpo/notices").get_data(as_text=True)
    form = {"version": "1", "published_on": _date(clock.today()), "text": "Version two text", "change_note": ""}
    response = post(dpo, "/dpo/notices/new", form)
    assert errors_of(response) == [
        "Version 1 already exists: give this version a new number",
        "Enter a change note: what changed since the last version",
    ]
    response = post(dpo, "/dpo/notices/new", {**form, "version": "2", "change_note": "Shorter"})
    assert response.status_code == 302
    draft = privacy_notices.all_notices()[0]
    assert (draft.version, draft.status) == ("2", "draft")
    assert privacy_notices.current_notice().version == "1"  # drafts are never shown to participants
    response = post(
        dpo,
        f"/dpo/notices/{draft.id}/edit",
        {**form, "version": "2", "change_note": "Shorter", "text": "Version two, corrected"},
    )
    assert response.status_code == 302 and draft.text == "Version two, corrected"
    assert post(dpo, f"/dpo/notices/{draft.id}/publish").status_code == 302
    assert privacy_notices.current_notice().version == "2"
    # Read-only from now on: no edit page, and the service refuses.
    assert dpo.get(f"/dpo/notices/{draft.id}/edit").status_code == 404
    with pytest.raises(NoticePublished):
        privacy_notices.update_draft(draft, "2", clock.today(), "changed", "x", False, world.dpo.id)
    with pytest.raises(NoticePublished):
        privacy_notices.publish(draft, world.dpo.id)
    # The record page shows the version now in force.
    page = login(world.vrc).get(f"/h2e/participants/{world.participant.id}/consents/new").get_data(as_text=True)
    assert "Privacy notice version 2" in page and "Version two, corrected" in page
    assert login(world.vrc).get(f"/privacy-notices/{draft.id}").status_code == 200
    assert login(world.vrc).get("/dpo/notices").status_code == 403


def test_a_future_version_comes_into_force_on_its_date(world):
    draft = privacy_notices.create_draft("2", clock.today() + timedelta(days=3), "Text", "Note", False, world.dpo.id)
    privacy_notices.publish(draft, world.dpo.id)
    assert privacy_notices.current_notice().version == "1"
    clock.advance(timedelta(days=3))
    assert privacy_notices.current_notice().version == "2"


def test_publication_date_cannot_go_back_before_the_latest(world):
    draft = privacy_notices.create_draft(
        "0.9", world.notice.published_on - timedelta(days=1), "Text", "Note", False, world.dpo.id
    )
    with pytest.raises(Problems, match="on or after that of version 1"):
        privacy_notices.publish(draft, world.dpo.id)


def test_drafts_are_not_readable_by_staff(world, login):
    draft = privacy_notices.create_draft("2", clock.today(), "Draft text", "Note", False, world.dpo.id)
    assert login(world.vrc).get(f"/privacy-notices/{draft.id}").status_code == 404
