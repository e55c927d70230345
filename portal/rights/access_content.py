"""What a participant's record holds, section by section: the content of an access
package (UK GDPR Art. 15) and of the DPO's full read of the record (/dpo/).

Every query is filtered by the participant's id (and organisation), so nothing of
another participant can reach a package. A section is a title, its columns, its
rows (plain JSON values) and which columns are *passages*: free text the DPO reviews
before release and may redact where it is about someone else.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.models import (Appointment, Assessment, CaseNote, CaseNoteVersion, Consent, ConsentWithdrawal, Disclosure,
                           EmployerContact, GpLetter, Milestone, OohCallback, OohCallNote, OohCheck, Participant,
                           ParticipantChange, PrivacyNotice, StatusChange, SupportPlanAction, User)
from portal.models.rights import RightsRequest
from portal.governance import audit_search

DETAIL_FIELDS = (
    ("atw_reference", "Access to Work reference"), ("first_name", "First name"), ("last_name", "Last name"),
    ("date_of_birth", "Date of birth"), ("ni_number", "National Insurance number"), ("gender", "Gender"),
    ("family_circumstances", "Family circumstances"), ("email", "Email"), ("phone", "Phone"),
    ("address_line_1", "Address line 1"), ("address_line_2", "Address line 2"), ("town", "Town"),
    ("postcode", "Postcode"), ("preferred_channel", "Preferred contact"), ("times_to_avoid", "Times to avoid"),
    ("occupation", "Occupation"), ("employer", "Employer"), ("employer_contact", "Employer contact"),
    ("gp_practice_name", "GP practice"), ("gp_practice_address", "GP practice address"), ("status", "Status"),
    ("status_changed_on", "Status since"), ("closed_on", "Closed on"), ("closure_reason", "Closure reason"),
    ("referred_at", "Referred"), ("restricted", "Processing restricted"),
)


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return "" if value is None else value


def _staff(user_id: int | None, cache: dict) -> str:
    if user_id is None:
        return ""
    if user_id not in cache:
        user = db.session.get(User, user_id)
        cache[user_id] = user.name if user else ""
    return cache[user_id]


def _section(key, title, columns, rows, passages=()):
    return {"key": key, "title": title, "columns": [list(c) for c in columns],
            "rows": [{k: _plain(v) for k, v in row.items()} for row in rows], "passages": list(passages)}


def _all(query):
    return list(db.session.scalars(query))


def audit_full_read(request: RightsRequest, participant: Participant, tab: str, user_id: int) -> None:
    """Record that the DPO's full read showed ``tab`` of ``participant``'s record,
    reached through ``request`` (rule 1), and commit."""
    audit.record("participant.viewed", object_type="participant", object_id=participant.id,
                 participant_id=participant.id, user_id=user_id, org_id=participant.org_id,
                 detail={"view": f"dpo.record.{tab}", "rights_request_id": request.id})
    db.session.commit()


def collect(participant: Participant, progress=None) -> list[dict]:
    """Every kind of record held about ``participant``, as sections (in package order).
    ``progress(percent, message)`` is told as each section is read."""
    pid, org = participant.id, participant.org_id
    staff: dict = {}
    sections = []

    def step(message):
        if progress:
            progress(int(100 * len(sections) / 16), message)

    step("Personal details")
    sections.append(_section("personal_details", "Personal details", DETAIL_FIELDS,
                             [{k: getattr(participant, k) for k, _ in DETAIL_FIELDS}]))
    sections.append(_section("health_information", "Health and wellbeing information",
                             [("health_information", "Health and wellbeing information")],
                             [{"health_information": participant.health_information}], ["health_information"]))
    changes = _all(select(ParticipantChange).where(ParticipantChange.org_id == org, ParticipantChange.participant_id == pid)
                   .order_by(ParticipantChange.changed_at, ParticipantChange.id))
    sections.append(_section(
        "personal_details_history", "Changes to personal details",
        [("changed_at", "When"), ("field", "Field"), ("old_value", "From"), ("new_value", "To"), ("reason", "Reason"),
         ("changed_by", "Changed by")],
        [{"changed_at": c.changed_at, "field": c.field, "old_value": c.old_value, "new_value": c.new_value,
          "reason": c.reason, "changed_by": _staff(c.changed_by_id, staff)} for c in changes], ["reason"]))
    statuses = _all(select(StatusChange).where(StatusChange.org_id == org, StatusChange.participant_id == pid)
                    .order_by(StatusChange.changed_at, StatusChange.id))
    sections.append(_section("status_history", "Programme status history",
                             [("changed_on", "Date"), ("status", "Status"), ("reason", "Reason")],
                             [{"changed_on": s.changed_on, "status": s.status, "reason": s.reason} for s in statuses]))
    step("Case notes")
    versions = db.session.execute(
        select(CaseNote, CaseNoteVersion).join(CaseNoteVersion, CaseNoteVersion.note_id == CaseNote.id)
        .where(CaseNote.org_id == org, CaseNote.participant_id == pid)
        .order_by(CaseNote.contact_date, CaseNote.id, CaseNoteVersion.number)).all()
    sections.append(_section(
        "case_notes", "Case notes (every version)",
        [("note", "Note"), ("version", "Version"), ("contact_date", "Contact date"), ("note_type", "Type"),
         ("text", "Text"), ("reason", "Reason for the change"), ("written_by", "Written by"), ("written_at", "Written")],
        [{"note": n.id, "version": v.number, "contact_date": n.contact_date, "note_type": n.note_type, "text": v.text,
          "reason": v.reason, "written_by": _staff(v.author_id, staff), "written_at": v.created_at}
         for n, v in versions], ["text"]))
    step("Assessment and support plan")
    assessments = _all(select(Assessment).where(Assessment.org_id == org, Assessment.participant_id == pid))
    sections.append(_section(
        "assessments", "Assessment",
        [("assessed_on", "Assessed on"), ("support_level", "Support level"), ("work_obstacles", "Obstacles at work"),
         ("goals", "Goals"), ("assessed_by", "Assessed by")],
        [{"assessed_on": a.assessed_on, "support_level": a.support_level, "work_obstacles": a.work_obstacles,
          "goals": a.goals, "assessed_by": _staff(a.assessed_by_id, staff)} for a in assessments],
        ["work_obstacles", "goals"]))
    actions = _all(select(SupportPlanAction).where(SupportPlanAction.org_id == org,
                                                   SupportPlanAction.participant_id == pid)
                   .order_by(SupportPlanAction.due_on, SupportPlanAction.id))
    sections.append(_section(
        "support_plan", "Support plan",
        [("description", "Action"), ("owner", "Who"), ("due_on", "Due"), ("done_on", "Done")],
        [{"description": a.description, "owner": a.owner, "due_on": a.due_on, "done_on": a.done_on}
         for a in actions], ["description"]))
    milestones = _all(select(Milestone).where(Milestone.org_id == org, Milestone.participant_id == pid)
                      .order_by(Milestone.achieved_on, Milestone.id))
    sections.append(_section("milestones", "Milestones",
                             [("kind", "Milestone"), ("achieved_on", "Achieved on")],
                             [{"kind": m.kind, "achieved_on": m.achieved_on} for m in milestones]))
    step("Appointments")
    appointments = _all(select(Appointment).where(Appointment.org_id == org, Appointment.participant_id == pid)
                        .order_by(Appointment.starts_at, Appointment.id))
    sections.append(_section(
        "appointments", "Appointments",
        [("starts_at", "When"), ("duration_minutes", "Minutes"), ("channel", "How"), ("location", "Where"),
         ("status", "Status"), ("cancellation_reason", "Cancellation reason")],
        [{"starts_at": a.starts_at, "duration_minutes": a.duration_minutes, "channel": a.channel,
          "location": a.location, "status": a.status, "cancellation_reason": a.cancellation_reason}
         for a in appointments], ["cancellation_reason"]))
    step("Consents")
    consents = _all(select(Consent).where(Consent.org_id == org, Consent.participant_id == pid)
                    .order_by(Consent.decided_at, Consent.id))
    sections.append(_section(
        "consents", "Consents",
        [("consent", "Consent"), ("purpose", "Purpose"), ("decision", "Decision"), ("method", "How"),
         ("decided_at", "When"), ("words", "Your words"), ("notice_version", "Privacy notice version"),
         ("recorded_by", "Recorded by")],
        [{"consent": c.id, "purpose": c.purpose.name, "decision": c.decision, "method": c.method,
          "decided_at": c.decided_at, "words": c.participant_words, "notice_version": c.notice.version,
          "recorded_by": _staff(c.recorded_by_id, staff)} for c in consents], ["words"]))
    withdrawals = _all(select(ConsentWithdrawal).where(ConsentWithdrawal.org_id == org,
                                                       ConsentWithdrawal.participant_id == pid)
                       .order_by(ConsentWithdrawal.withdrawn_at, ConsentWithdrawal.id))
    sections.append(_section(
        "consent_history", "Consent withdrawals",
        [("consent", "Consent"), ("withdrawn_at", "Withdrawn"), ("method", "How"), ("words", "Your words")],
        [{"consent": w.consent_id, "withdrawn_at": w.withdrawn_at, "method": w.method, "words": w.participant_words}
         for w in withdrawals], ["words"]))
    notice_ids = sorted({c.notice_id for c in consents})
    notices = _all(select(PrivacyNotice).where(PrivacyNotice.id.in_(notice_ids)).order_by(PrivacyNotice.published_on))
    sections.append(_section("notice_versions", "Privacy notice versions you were given",
                             [("version", "Version"), ("published_on", "Published"), ("change_note", "What changed")],
                             [{"version": n.version, "published_on": n.published_on, "change_note": n.change_note}
                              for n in notices]))
    step("Disclosures")
    shared = _all(select(Disclosure).where(Disclosure.org_id == org, Disclosure.participant_id == pid)
                  .order_by(Disclosure.disclosed_at, Disclosure.id))
    sections.append(_section(
        "disclosures", "Disclosures register: who your data was shared with",
        [("disclosed_at", "When"), ("recipient", "Recipient"), ("recipient_name", "Recipient name"),
         ("purpose", "Purpose"), ("data_categories", "Data shared"), ("basis", "Relied on"), ("summary", "Summary")],
        [{"disclosed_at": d.disclosed_at, "recipient": d.recipient_type_label, "recipient_name": d.recipient_name,
          "purpose": d.purpose, "data_categories": d.data_categories, "basis": d.basis_label, "summary": d.summary}
         for d in shared], ["summary"]))
    letters = _all(select(GpLetter).where(GpLetter.org_id == org, GpLetter.participant_id == pid)
                   .order_by(GpLetter.id))
    sections.append(_section("gp_letters", "Letters to your GP",
                             [("status", "Status"), ("practice_name", "Practice"), ("body", "Letter")],
                             [{"status": g.status, "practice_name": g.practice_name, "body": g.body} for g in letters],
                             ["body"]))
    contacts = _all(select(EmployerContact).where(EmployerContact.org_id == org, EmployerContact.participant_id == pid)
                    .order_by(EmployerContact.id))
    sections.append(_section("employer_contacts", "Contact with your employer",
                             [("kind", "Kind"), ("employer_name", "Employer"), ("what_shared", "What was shared")],
                             [{"kind": e.kind, "employer_name": e.employer_name, "what_shared": e.what_shared}
                              for e in contacts], ["what_shared"]))
    step("Out-of-hours calls")
    checks = _all(select(OohCheck).where(OohCheck.org_id == org, OohCheck.participant_id == pid)
                  .order_by(OohCheck.started_at, OohCheck.id))
    sections.append(_section(
        "ooh_checks", "Out-of-hours identity and consent checks",
        [("started_at", "When"), ("caller", "Caller"), ("identity_confirmed", "Identity confirmed"),
         ("consent", "Your answer"), ("consent_note", "Note")],
        [{"started_at": c.started_at, "caller": c.caller, "identity_confirmed": c.identity_confirmed,
          "consent": c.consent, "consent_note": c.consent_note} for c in checks], ["consent_note"]))
    callbacks = _all(select(OohCallback).where(OohCallback.org_id == org, OohCallback.participant_id == pid)
                     .order_by(OohCallback.created_at, OohCallback.id))
    sections.append(_section(
        "ooh_callbacks", "Out-of-hours callbacks",
        [("created_at", "When"), ("reason", "Reason"), ("best_time", "Best time"), ("phone", "Phone")],
        [{"created_at": c.created_at, "reason": c.reason, "best_time": c.best_time, "phone": c.phone}
         for c in callbacks], ["reason"]))
    call_notes = _all(select(OohCallNote).where(OohCallNote.org_id == org, OohCallNote.participant_id == pid)
                      .order_by(OohCallNote.created_at, OohCallNote.id))
    sections.append(_section("ooh_call_notes", "Out-of-hours call notes", [("created_at", "When"), ("text", "Note")],
                             [{"created_at": n.created_at, "text": n.text} for n in call_notes], ["text"]))
    step("Who viewed the record")
    viewers = audit_search.viewers_of(pid)
    sections.append(_section("record_views", "Who viewed your record",
                             [("at", "When"), ("name", "Staff member"), ("page", "What")],
                             [{"at": v.at, "name": v.name, "page": v.page} for v in viewers]))
    step("Rights requests")
    requests = _all(select(RightsRequest).where(RightsRequest.participant_id == pid).order_by(RightsRequest.received_on))
    sections.append(_section(
        "rights_requests", "Your data protection requests",
        [("reference", "Reference"), ("received_on", "Received"), ("rights", "Rights"), ("status", "Status"),
         ("outcome", "Outcome")],
        [{"reference": r.reference, "received_on": r.received_on, "rights": r.right_codes, "status": r.status,
          "outcome": r.outcome or ""} for r in requests]))
    return sections


def passages(sections: list[dict]):
    """Every reviewable passage: (key, section title, column label, text), non-empty only.
    The key is ``section/row/column``: stable for one built package."""
    for section in sections:
        labels = dict((k, label) for k, label in section["columns"])
        for index, row in enumerate(section["rows"]):
            for column in section["passages"]:
                text = row.get(column)
                if text:
                    yield f"{section['key']}/{index}/{column}", section["title"], labels[column], text
