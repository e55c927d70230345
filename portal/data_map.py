"""The one map of participant data (DESIGN.md rule 12).

For every table of the schema, and every kind of stored file, this module says
whether it holds a participant's data and, if so:

- how a participant's rows are found (``found_by``: the participant row itself, a
  ``participant_id``-like column, a link to a parent row that has one, a JSON list of
  ids, or only a mention in text that the identifier sweep finds);
- what kind of data each text column holds (free text, identifiers, special category,
  or the record's own codes, keys and labels): every String, Text and JSON column of a
  registered table is placed in exactly one kind;
- what an access package shows (``sections``: title, columns, the passages the DPO
  reviews), or where else the rows are shown, or why they are not;
- what portability exports (``portable``);
- what erasure does (``erasure``: anonymise, redact fields, delete, keep with a
  reason, or leave it to the identifier sweep);
- which retention rule governs it, and whether its rows are destruction items of their
  own (``retention``).

A table holding no participant data is on ``NO_PARTICIPANT_DATA`` with the reason.
The consumers read this map: ``portal.rights.access_content.collect`` (access
packages and the DPO's full read), ``portal.rights.erasure`` (what is redacted,
deleted and swept), ``portal.retention.retention.due`` (what is listed for
destruction) and ``portal.rights.rights_workflows.portability_zip``.
``tests/core/test_data_map.py`` fails on any table that is neither here nor on the
list, and on any text column of a registered table left unclassified.

This module is the core: it imports the models and SQLAlchemy only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager

import portal.models  # noqa: F401  (every table is declared before the map is read)
from portal.extensions import Model, db

# ----------------------------------------------------------------------- how rows are found


@dataclass(frozen=True)
class Subject:
    """The participant row itself (found by its id)."""


@dataclass(frozen=True)
class ByColumn:
    """Rows whose ``column`` holds the participant's id. ``org_scoped``: the access
    package also requires the row's ``org_id`` to be the participant's organisation."""

    column: str = "participant_id"
    org_scoped: bool = True


@dataclass(frozen=True)
class Via:
    """Rows whose ``link`` column points at a row of ``parent``, itself found by its
    ``participant_id`` (and ``org_id`` for the access package)."""

    link: str
    parent: str


@dataclass(frozen=True)
class InJson:
    """Rows whose JSON ``column`` lists participant ids (or objects with a
    ``participant_id``). Not queried per participant: the identifier sweep of erasure
    reaches any text in them."""

    column: str


@dataclass(frozen=True)
class Mention:
    """Nothing links the row to a participant: only text that names them, which the
    identifier sweep of erasure finds and replaces."""

    what: str


Finder = Subject | ByColumn | Via | InJson | Mention

# ----------------------------------------------------------------------- the access package


@dataclass(frozen=True)
class Col:
    """One column of a section: ``key`` in the package's rows, its ``label``, and where
    the value comes from: an attribute path of the row (``"purpose.name"``), or
    ``"staff:<id column>"`` for the name of the staff member with that id. The source
    defaults to the key."""

    key: str
    label: str
    source: str = ""

    @property
    def path(self) -> str:
        return self.source or self.key


@dataclass(frozen=True)
class Referenced:
    """A section's rows are the rows of ``table`` that the holding's rows point at
    through ``column`` (e.g. the privacy notice versions of a participant's consents)."""

    table: str
    column: str


@dataclass(frozen=True)
class Provider:
    """A section's rows come from a named reader (``access_content.PROVIDERS``), for
    data read through its own service (who viewed the record, from the audit trail)."""

    name: str


@dataclass(frozen=True)
class Section:
    """A section of the access package (and of the DPO's full read of the record).
    ``position`` orders the sections; ``passages`` are the free-text columns the DPO
    reviews (and may redact) before release; ``order_by`` names columns of the table
    (``"col"``) or of a joined parent (``"table.col"``); ``progress`` is what the
    package's job says when it reaches the section."""

    key: str
    title: str
    position: int
    columns: tuple[Col, ...]
    passages: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ()
    rows_from: Referenced | Provider | None = None
    progress: str = ""


# ----------------------------------------------------------------------- portability


@dataclass(frozen=True)
class Portable:
    """What portability exports (UK GDPR Art. 20: data the participant provided):
    ``key`` names the list in data.json and its CSV; ``single``: one row, exported as
    field/value pairs; ``style``: ``text`` (values as kept in the change history) or
    ``iso`` (dates in ISO form, nothing as "")."""

    key: str
    fields: tuple[Col, ...]
    single: bool = False
    order_by: tuple[str, ...] = ()
    style: Literal["text", "iso"] = "iso"


# ----------------------------------------------------------------------- erasure and retention

ErasureAction = Literal["anonymise", "redact", "delete", "keep", "sweep"]


@dataclass(frozen=True)
class Erasure:
    """What erasing the participant does to the rows:

    - ``anonymise``: the participant row, its ``fields`` replaced or blanked in place;
    - ``redact``: ``fields`` blanked (or set from ``replace``: field -> a template over
      the row's columns, for a value that must stay unique);
    - ``delete``: the rows go (with their stored files);
    - ``keep``: kept as they are (``reason``), but for the identifier sweep unless
      ``swept`` is False;
    - ``sweep``: only the identifier sweep (names, NI number, dates of birth, contact
      details replaced wherever they are written), ``reason`` saying why no more.

    ``kept`` names free-text columns deliberately left (the sweep still runs on them
    but for the erasure request's own requester columns): ``reason`` says why."""

    action: ErasureAction
    fields: tuple[str, ...] = ()
    replace: tuple[tuple[str, str], ...] = ()
    kept: tuple[str, ...] = ()
    reason: str = ""
    swept: bool = True


@dataclass(frozen=True)
class Retention:
    """The retention rule (``portal.retention.retention.DEFAULT_RULES`` key) governing the
    rows. ``item_from``: each row is a destruction item of its own, counted from the
    case closing or, where the rule counts from creation, from this column. Without it
    the rows end with the participant record (erasure) under ``rule``. ``rule`` None:
    no rule destroys the rows, and ``note`` says why."""

    rule: str | None
    item_from: str | None = None
    note: str = ""


# ----------------------------------------------------------------------- holdings


@dataclass(frozen=True)
class Holding:
    """A table holding participant data, and what each consumer does with it."""

    table: str
    found_by: Finder
    erasure: Erasure
    retention: Retention
    free_text: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    special_category: tuple[str, ...] = ()
    record: tuple[str, ...] = ()  # codes, statuses, labels, keys, hashes, ids in JSON
    sections: tuple[Section, ...] = ()
    shown_in: tuple[str, ...] = ()  # sections of other holdings that show these rows
    not_shown: str = ""  # why the access package does not show them
    portable: Portable | None = None

    @property
    def personal(self) -> tuple[str, ...]:
        """Columns erasure must deal with: free text, identifiers, special category."""
        return self.free_text + self.identifiers + self.special_category

    @property
    def shown(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections) + self.shown_in


@dataclass(frozen=True)
class FileKind:
    """A kind of stored private file (``portal.private_files``): the table and
    key columns naming it, whether the row goes with the file at erasure, and what the
    access package, portability and retention do with it. ``erased_as``: the field name
    a tombstone lists for it (default ``table.key``)."""

    kind: str
    title: str
    table: str
    keys: tuple[str, ...]
    row_goes: bool
    in_package: str
    portable: str
    retention: str
    erased_as: str | None = None


@dataclass(frozen=True)
class NoData:
    """A table holding no participant data: why, and whether erasure's identifier sweep
    still looks at its text (``swept``)."""

    reason: str
    swept: bool = True


_PARTICIPANT = "participant_id"
_KEPT_WITH_RECORD = Retention("participant_record")
_STAFF_KEEP = "Kept as the record of how the participant's data was handled (accountability)"


def _c(*pairs: tuple[str, str] | tuple[str, str, str]) -> tuple[Col, ...]:
    return tuple(Col(*p) for p in pairs)


DETAIL_COLUMNS = _c(
    ("atw_reference", "Access to Work reference"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("date_of_birth", "Date of birth"),
    ("ni_number", "National Insurance number"),
    ("gender", "Gender"),
    ("family_circumstances", "Family circumstances"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("address_line_1", "Address line 1"),
    ("address_line_2", "Address line 2"),
    ("town", "Town"),
    ("postcode", "Postcode"),
    ("preferred_channel", "Preferred contact"),
    ("times_to_avoid", "Times to avoid"),
    ("occupation", "Occupation"),
    ("employer", "Employer"),
    ("employer_contact", "Employer contact"),
    ("gp_practice_name", "GP practice"),
    ("gp_practice_address", "GP practice address"),
    ("status", "Status"),
    ("status_changed_on", "Status since"),
    ("closed_on", "Closed on"),
    ("closure_reason", "Closure reason"),
    ("referred_at", "Referred"),
    ("restricted", "Processing restricted"),
)

# What the participant gave at referral or intake (Art. 20: "provided by" them).
PROVIDED_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "family_circumstances",
    "ni_number",
    "email",
    "phone",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "preferred_channel",
    "safe_to_call_at_work",
    "times_to_avoid",
    "occupation",
    "employer",
    "gp_practice_name",
    "gp_practice_address",
)

HOLDINGS: tuple[Holding, ...] = (
    Holding(
        "participant",
        Subject(),
        identifiers=(
            "atw_reference",
            "first_name",
            "last_name",
            "date_of_birth",
            "ni_number",
            "email",
            "phone",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
        ),
        free_text=(
            "gender",
            "family_circumstances",
            "times_to_avoid",
            "occupation",
            "employer",
            "employer_contact",
            "gp_practice_name",
            "gp_practice_address",
            "closure_reason",
            "restriction_reason",
        ),
        special_category=("health_information",),
        record=("preferred_channel", "status"),
        sections=(
            Section("personal_details", "Personal details", 10, DETAIL_COLUMNS, progress="Personal details"),
            Section(
                "health_information",
                "Health and wellbeing information",
                20,
                _c(("health_information", "Health and wellbeing information")),
                ("health_information",),
            ),
        ),
        portable=Portable("details", tuple(Col(f, f) for f in PROVIDED_FIELDS), single=True, style="text"),
        erasure=Erasure(
            "anonymise",
            fields=(
                "first_name",
                "last_name",
                "date_of_birth",
                "ni_number",
                "atw_reference",
                "gender",
                "family_circumstances",
                "email",
                "phone",
                "address_line_1",
                "address_line_2",
                "town",
                "postcode",
                "times_to_avoid",
                "occupation",
                "employer",
                "employer_contact",
                "gp_practice_name",
                "gp_practice_address",
                "health_information",
                "closure_reason",
                "restriction_reason",
            ),
            reason="The id, status and dates stay: contract figures already reported to DWP count the record",
        ),
        retention=Retention("participant_record", item_from="referred_at"),
    ),
    Holding(
        "participant_change",
        ByColumn(),
        record=("field",),
        special_category=("old_value", "new_value"),
        free_text=("reason",),
        sections=(
            Section(
                "personal_details_history",
                "Changes to personal details",
                30,
                _c(
                    ("changed_at", "When"),
                    ("field", "Field"),
                    ("old_value", "From"),
                    ("new_value", "To"),
                    ("reason", "Reason"),
                    ("changed_by", "Changed by", "staff:changed_by_id"),
                ),
                ("reason",),
                order_by=("changed_at", "id"),
            ),
        ),
        erasure=Erasure("redact", fields=("old_value", "new_value", "reason")),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "participant_status_change",
        ByColumn(),
        record=("status",),
        free_text=("reason",),
        sections=(
            Section(
                "status_history",
                "Programme status history",
                40,
                _c(("changed_on", "Date"), ("status", "Status"), ("reason", "Reason")),
                order_by=("changed_at", "id"),
            ),
        ),
        erasure=Erasure("redact", fields=("reason",)),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "case_note",
        ByColumn(),
        record=("note_type",),
        shown_in=("case_notes",),
        erasure=Erasure("sweep", reason="Dates and the kind of contact only: the text is in its versions"),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "case_note_version",
        Via("note_id", "case_note"),
        free_text=("text", "reason"),
        sections=(
            Section(
                "case_notes",
                "Case notes (every version)",
                50,
                _c(
                    ("note", "Note", "note_id"),
                    ("version", "Version", "number"),
                    ("contact_date", "Contact date", "note.contact_date"),
                    ("note_type", "Type", "note.note_type"),
                    ("text", "Text"),
                    ("reason", "Reason for the change"),
                    ("written_by", "Written by", "staff:author_id"),
                    ("written_at", "Written", "created_at"),
                ),
                ("text",),
                order_by=("case_note.contact_date", "case_note.id", "number"),
                progress="Case notes",
            ),
        ),
        erasure=Erasure("redact", fields=("text", "reason")),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "assessment",
        ByColumn(),
        record=("support_level",),
        special_category=("work_obstacles",),
        free_text=("goals",),
        sections=(
            Section(
                "assessments",
                "Assessment",
                60,
                _c(
                    ("assessed_on", "Assessed on"),
                    ("support_level", "Support level"),
                    ("work_obstacles", "Obstacles at work"),
                    ("goals", "Goals"),
                    ("assessed_by", "Assessed by", "staff:assessed_by_id"),
                ),
                ("work_obstacles", "goals"),
                progress="Assessment and support plan",
            ),
        ),
        erasure=Erasure("redact", fields=("work_obstacles", "goals")),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "support_plan_action",
        ByColumn(),
        free_text=("description", "owner"),
        sections=(
            Section(
                "support_plan",
                "Support plan",
                70,
                _c(("description", "Action"), ("owner", "Who"), ("due_on", "Due"), ("done_on", "Done")),
                ("description",),
                order_by=("due_on", "id"),
            ),
        ),
        erasure=Erasure("redact", fields=("description", "owner")),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "appointment",
        ByColumn(),
        record=("channel", "status", "cancelled_by"),
        free_text=("location", "cancellation_reason"),
        sections=(
            Section(
                "appointments",
                "Appointments",
                90,
                _c(
                    ("starts_at", "When"),
                    ("duration_minutes", "Minutes"),
                    ("channel", "How"),
                    ("location", "Where"),
                    ("status", "Status"),
                    ("cancellation_reason", "Cancellation reason"),
                ),
                ("cancellation_reason",),
                order_by=("starts_at", "id"),
                progress="Appointments",
            ),
        ),
        erasure=Erasure("redact", fields=("location", "cancellation_reason")),
        retention=Retention("appointments", item_from="created_at"),
    ),
    Holding(
        "appointment_reschedule",
        Via("appointment_id", "appointment"),
        free_text=("reason",),
        sections=(
            Section(
                "appointment_changes",
                "Appointments moved",
                95,
                _c(("changed_at", "When"), ("old_starts_at", "From"), ("new_starts_at", "To"), ("reason", "Reason")),
                ("reason",),
                order_by=("changed_at", "id"),
            ),
        ),
        erasure=Erasure("redact", fields=("reason",)),
        retention=Retention("appointments", note="Destroyed with its appointment"),
    ),
    Holding(
        "consent",
        ByColumn(),
        record=("decision", "method", "recorded_by_position", "receipt_id"),
        free_text=("participant_words", "backdated_reason"),
        sections=(
            Section(
                "consents",
                "Consents",
                100,
                _c(
                    ("consent", "Consent", "id"),
                    ("purpose", "Purpose", "purpose.name"),
                    ("decision", "Decision"),
                    ("method", "How"),
                    ("decided_at", "When"),
                    ("words", "Your words", "participant_words"),
                    ("notice_version", "Privacy notice version", "notice.version"),
                    ("recorded_by", "Recorded by", "staff:recorded_by_id"),
                ),
                ("words",),
                order_by=("decided_at", "id"),
                progress="Consents",
            ),
            Section(
                "notice_versions",
                "Privacy notice versions you were given",
                120,
                _c(("version", "Version"), ("published_on", "Published"), ("change_note", "What changed")),
                order_by=("published_on",),
                rows_from=Referenced("privacy_notice", "notice_id"),
            ),
        ),
        portable=Portable(
            "consents",
            _c(
                ("purpose", "purpose", "purpose.code"),
                ("decision", "decision"),
                ("method", "method"),
                ("decided_at", "decided_at"),
                ("notice_version", "notice_version", "notice.version"),
                ("withdrawn_at", "withdrawn_at", "withdrawal.withdrawn_at"),
            ),
            order_by=("decided_at", "id"),
        ),
        erasure=Erasure(
            "redact",
            fields=("participant_words", "backdated_reason"),
            reason="Legal claim: the record shows what each sharing relied on",
        ),
        retention=Retention("consents", item_from="recorded_at"),
    ),
    Holding(
        "consent_withdrawal",
        ByColumn(),
        record=("method", "recorded_by_position"),
        free_text=("participant_words",),
        sections=(
            Section(
                "consent_history",
                "Consent withdrawals",
                110,
                _c(
                    ("consent", "Consent", "consent_id"),
                    ("withdrawn_at", "Withdrawn"),
                    ("method", "How"),
                    ("words", "Your words", "participant_words"),
                ),
                ("words",),
                order_by=("withdrawn_at", "id"),
            ),
        ),
        erasure=Erasure("redact", fields=("participant_words",)),
        retention=Retention("consents", note="Destroyed with its consent"),
    ),
    Holding(
        "consent_evidence",
        ByColumn(),
        record=("storage_key", "content_type", "sha256"),
        free_text=("original_filename",),
        sections=(
            Section(
                "consent_evidence",
                "Signed consent forms",
                115,
                _c(
                    ("consent", "Consent", "consent_id"),
                    ("uploaded_at", "Received"),
                    ("original_filename", "File"),
                    ("content_type", "Kind of file"),
                ),
                order_by=("uploaded_at", "id"),
            ),
        ),
        erasure=Erasure("delete", reason="The signed form is deleted with its row"),
        retention=Retention("consents", note="Destroyed with its consent"),
    ),
    Holding(
        "disclosure",
        ByColumn(),
        record=(
            "recipient_type",
            "recipient_name",
            "purpose",
            "data_categories",
            "legal_basis",
            "method",
            "copy_key",
            "copy_content_type",
            "source",
        ),
        free_text=("summary", "legal_basis_detail"),
        sections=(
            Section(
                "disclosures",
                "Disclosures register: who your data was shared with",
                130,
                _c(
                    ("disclosed_at", "When"),
                    ("recipient", "Recipient", "recipient_type_label"),
                    ("recipient_name", "Recipient name"),
                    ("purpose", "Purpose"),
                    ("data_categories", "Data shared"),
                    ("basis", "Relied on", "basis_label"),
                    ("summary", "Summary"),
                ),
                ("summary",),
                order_by=("disclosed_at", "id"),
                progress="Disclosures",
            ),
        ),
        erasure=Erasure(
            "redact",
            fields=("summary", "legal_basis_detail"),
            reason="Legal claim and accountability: who received data, when and on what basis",
        ),
        retention=Retention("disclosures", item_from="recorded_at"),
    ),
    Holding(
        "milestone",
        ByColumn(),
        record=("kind",),
        free_text=("left_early_reason",),
        sections=(
            Section(
                "milestones",
                "Milestones",
                80,
                _c(
                    ("kind", "Milestone"),
                    ("achieved_on", "Achieved on"),
                    ("left_early_reason", "Reason for leaving early"),
                ),
                ("left_early_reason",),
                order_by=("achieved_on", "id"),
            ),
        ),
        erasure=Erasure("redact", fields=("left_early_reason",)),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "ooh_check",
        ByColumn(),
        record=("caller", "consent"),
        free_text=("consent_note",),
        sections=(
            Section(
                "ooh_checks",
                "Out-of-hours identity and consent checks",
                160,
                _c(
                    ("started_at", "When"),
                    ("caller", "Caller"),
                    ("identity_confirmed", "Identity confirmed"),
                    ("consent", "Your answer"),
                    ("consent_note", "Note"),
                ),
                ("consent_note",),
                order_by=("started_at", "id"),
                progress="Out-of-hours calls",
            ),
        ),
        erasure=Erasure("redact", fields=("consent_note",)),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "ooh_callback",
        ByColumn(),
        free_text=("reason", "best_time"),
        identifiers=("phone",),
        sections=(
            Section(
                "ooh_callbacks",
                "Out-of-hours callbacks",
                170,
                _c(("created_at", "When"), ("reason", "Reason"), ("best_time", "Best time"), ("phone", "Phone")),
                ("reason",),
                order_by=("created_at", "id"),
            ),
        ),
        erasure=Erasure("redact", fields=("reason", "best_time", "phone")),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "ooh_call_note",
        ByColumn(),
        free_text=("text",),
        sections=(
            Section(
                "ooh_call_notes",
                "Out-of-hours call notes",
                180,
                _c(("created_at", "When"), ("text", "Note")),
                ("text",),
                order_by=("created_at", "id"),
            ),
        ),
        erasure=Erasure("redact", fields=("text",)),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "employer_contact",
        ByColumn(),
        record=("kind", "data_categories"),
        free_text=("employer_name", "contact_name", "what_shared"),
        sections=(
            Section(
                "employer_contacts",
                "Contact with your employer",
                150,
                _c(("kind", "Kind"), ("employer_name", "Employer"), ("what_shared", "What was shared")),
                ("what_shared",),
                order_by=("id",),
            ),
        ),
        erasure=Erasure("redact", fields=("employer_name", "contact_name", "what_shared")),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "gp_letter",
        ByColumn(),
        record=("status", "data_categories", "pdf_key", "pdf_sha256", "sent_method"),
        free_text=("practice_name", "practice_address", "addressee", "body", "cancel_reason"),
        sections=(
            Section(
                "gp_letters",
                "Letters to your GP",
                140,
                _c(("status", "Status"), ("practice_name", "Practice"), ("body", "Letter")),
                ("body",),
                order_by=("id",),
            ),
        ),
        erasure=Erasure("redact", fields=("practice_name", "practice_address", "addressee", "body", "cancel_reason")),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "emergency_contact",
        ByColumn(),
        record=("recipient_type", "recipient_name", "data_categories", "made_as", "review_outcome"),
        free_text=("reason", "what_shared", "review_notes"),
        sections=(
            Section(
                "emergency_contacts",
                "Emergency contacts made without your consent",
                135,
                _c(
                    ("contacted_at", "When"),
                    ("recipient", "Recipient", "recipient_label"),
                    ("recipient_name", "Recipient name"),
                    ("reason", "Why"),
                    ("what_shared", "What was shared"),
                ),
                ("reason", "what_shared"),
                order_by=("contacted_at", "id"),
            ),
        ),
        erasure=Erasure("redact", fields=("reason", "what_shared", "review_notes")),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "disclosure_review",
        ByColumn(),
        record=("kind", "finding", "found_by", "review_outcome"),
        free_text=("review_notes",),
        not_shown="The DPO's check of a disclosure (oversight): the disclosure itself is in the disclosures register",
        erasure=Erasure("redact", fields=("review_notes",)),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "authority_request",
        ByColumn(),
        record=("authority_type", "requester", "legal_basis_cited", "legal_basis", "status"),
        free_text=("reason", "what_requested", "subject_details", "decision_reasons"),
        not_shown=(
            "A request from an authority (police, HMRC) may fall under the crime and taxation exemption "
            "(DPA 2018 Sch. 2 para. 2): what was released is in the disclosures register"
        ),
        erasure=Erasure(
            "redact",
            fields=("subject_details",),
            kept=("reason", "what_requested", "decision_reasons"),
            reason="Accountability for a decision to disclose: what was asked and why it was decided "
            "(the identifier sweep still replaces the participant's names and numbers in it)",
        ),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "api_referral",
        ByColumn(org_scoped=False),
        identifiers=("atw_reference",),
        record=("body_sha256",),
        not_shown="The API's receipt of DWP's referral (reference and hash): the referral is in personal details",
        erasure=Erasure("redact", fields=("atw_reference",), replace=(("atw_reference", "ERASED-{participant_id}"),)),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "ooh_grant",
        ByColumn(),
        not_shown="Access an out-of-hours worker was given: the check that gave it is shown",
        erasure=Erasure("sweep", reason="Ids and times only"),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "ooh_event",
        ByColumn(),
        record=("kind", "outcome", "detail"),
        not_shown="The out-of-hours log (ids and codes only, rule 10): the checks, callbacks and notes it logs "
        "are shown",
        erasure=Erasure("sweep", reason="Ids and codes only (rule 10)"),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "ooh_search_hit",
        ByColumn(),
        not_shown="Which participants an out-of-hours search listed: ids only",
        erasure=Erasure("sweep", reason="Ids only"),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "rights_request",
        ByColumn(org_scoped=False),
        identifiers=("requester_name", "requester_contact"),
        free_text=(
            "on_behalf_of",
            "what_requested",
            "identity_asked_for",
            "identity_method",
            "identity_reason",
            "extension_detail",
            "dwp_informed_note",
            "outcome_reason",
            "response_late_reason",
        ),
        record=(
            "channel",
            "identity_status",
            "status",
            "extension_reason",
            "extension_notice_method",
            "notice_method",
            "outcome",
            "exemption",
            "response_method",
        ),
        sections=(
            Section(
                "rights_requests",
                "Your data protection requests",
                200,
                _c(
                    ("reference", "Reference"),
                    ("received_on", "Received"),
                    ("rights", "Rights", "right_codes"),
                    ("status", "Status"),
                    ("outcome", "Outcome"),
                ),
                order_by=("received_on",),
                progress="Rights requests",
            ),
        ),
        erasure=Erasure(
            "sweep",
            kept=("requester_name", "requester_contact"),
            reason="Accountability: the request and how it was answered; the erasure request keeps its "
            "requester's name and contact",
        ),
        retention=Retention("rights_requests", item_from="received_on"),
    ),
    Holding(
        "rights_request_right",
        Via("request_id", "rights_request"),
        record=("right",),
        shown_in=("rights_requests",),
        erasure=Erasure("sweep", reason="Codes only"),
        retention=Retention("rights_requests", note="Destroyed with its request"),
    ),
    Holding(
        "rights_clock_stop",
        Via("request_id", "rights_request"),
        free_text=("question", "answer_note"),
        not_shown="The DPO's questions clarifying a request and the answers: correspondence the requester holds",
        erasure=Erasure("sweep", reason=_STAFF_KEEP),
        retention=Retention("rights_requests", note="Destroyed with its request"),
    ),
    Holding(
        "rights_objection",
        ByColumn(),
        record=("scope",),
        sections=(
            Section(
                "objections",
                "Your objections",
                205,
                _c(("scope", "Objection to"), ("recorded_at", "Recorded"), ("withdrawn_at", "Withdrawn")),
                order_by=("recorded_at", "id"),
            ),
        ),
        erasure=Erasure("keep", reason="An objection keeps being honoured: statistics leave the participant out"),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "rights_restriction_notice",
        ByColumn(),
        record=("action", "told_method"),
        free_text=("reason",),
        sections=(
            Section(
                "restrictions",
                "Restriction of processing",
                210,
                _c(
                    ("recorded_at", "When"),
                    ("action", "Restricted or lifted"),
                    ("reason", "Why"),
                    ("told_on", "You were told on"),
                ),
                ("reason",),
                order_by=("recorded_at", "id"),
            ),
        ),
        erasure=Erasure(
            "keep", kept=("reason",), reason="Art. 18(3): shows when and why processing was restricted and lifted"
        ),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "rights_complaint",
        ByColumn(),
        identifiers=("complainant_name", "complainant_contact"),
        free_text=("about", "investigation", "outcome"),
        record=("channel", "status", "ico_told_method"),
        sections=(
            Section(
                "complaints",
                "Your complaints",
                215,
                _c(
                    ("received_on", "Received"),
                    ("about", "About"),
                    ("status", "Status"),
                    ("outcome", "Outcome"),
                    ("outcome_on", "Decided on"),
                ),
                ("about", "outcome"),
                order_by=("received_on", "id"),
            ),
        ),
        erasure=Erasure(
            "sweep",
            kept=("about", "investigation", "outcome"),
            reason="Accountability: a complaint and its outcome (the ICO may ask)",
        ),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "legal_hold",
        ByColumn(),
        free_text=("reason", "lift_reason"),
        not_shown="A hold for legal claims (legal professional privilege may apply): the DPO decides what to tell",
        erasure=Erasure(
            "keep",
            kept=("reason", "lift_reason"),
            reason="Erasure is refused while a hold stands; a lifted hold shows why it was delayed",
        ),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "contract_report_draft",
        InJson("participant_ids"),
        record=("content", "content_sha256", "warnings", "participant_ids"),
        not_shown="Contract figures: the participant's progress is in their record",
        erasure=Erasure("sweep", reason="Figures and ids"),
        retention=Retention("reports", item_from="built_at"),
    ),
    Holding(
        "contract_report",
        InJson("participant_ids"),
        record=("document", "sha256", "participant_ids"),
        free_text=("correction_reason",),
        not_shown="A report published to DWP: each publication is in the disclosures register",
        erasure=Erasure("sweep", reason="What was published to DWP is kept as published"),
        retention=Retention(None, note="The contract's record of what DWP was sent"),
    ),
    Holding(
        "rights_portability_export",
        ByColumn(),
        record=("file_key", "sha256"),
        not_shown="A copy of the personal details and consents shown above",
        erasure=Erasure("delete", reason="The export is deleted with its file"),
        retention=Retention("reports", item_from="created_at"),
    ),
    Holding(
        "access_package",
        ByColumn(),
        record=("status", "draft_key", "draft_sha256", "released_key", "released_sha256"),
        not_shown="An earlier package: a copy of what this one shows",
        erasure=Erasure("keep", reason="Ids and hashes record what was released; its files are deleted"),
        retention=Retention("reports", item_from="created_at"),
    ),
    Holding(
        "access_redaction",
        Via("package_id", "access_package"),
        record=("passage_key",),
        free_text=("reason",),
        not_shown="The DPO's review of a package: each redaction shows in the package with its reason",
        erasure=Erasure("sweep", reason=_STAFF_KEEP),
        retention=Retention("reports", note="Destroyed with its package"),
    ),
    Holding(
        "destruction_item",
        ByColumn(),
        record=("kind", "object_type", "object_id", "status", "error"),
        not_shown="Which records retention listed and destroyed: kinds, ids and dates",
        erasure=Erasure("keep", reason="The record of destruction (rule 7)"),
        retention=Retention(None, note="The record of destruction, kept with its certificate"),
    ),
    Holding(
        "audit_event",
        ByColumn(org_scoped=False),
        record=(
            "action",
            "object_type",
            "object_id",
            "detail",
            "request_id",
            "source_address",
            "outcome",
            "prev_hash",
            "hash",
        ),
        sections=(
            Section(
                "record_views",
                "Who viewed your record",
                190,
                _c(("at", "When"), ("name", "Staff member"), ("page", "What")),
                rows_from=Provider("viewers"),
                progress="Who viewed the record",
            ),
        ),
        erasure=Erasure("keep", swept=False, reason="Holds ids only, never personal data (audit duty, rule 10)"),
        retention=Retention("audit_events"),
    ),
    Holding(
        "referral_upload",
        InJson("results"),
        record=("filename", "sha256", "status", "results", "error"),
        identifiers=("content",),
        not_shown="An organisation's upload of referrals: the participant's referral is in personal details",
        erasure=Erasure("sweep", reason="Its content is blanked once read; results hold ids and refusal reasons"),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "job",
        Mention("a task's arguments, progress message, result or error"),
        record=("kind", "function", "args", "status", "progress_message", "dedupe_key", "result"),
        free_text=("error",),
        not_shown="The progress of a background task",
        erasure=Erasure("sweep", reason="Results hold ids and messages; any mention is swept"),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "notification",
        Mention("a notification's text (by design ids only)"),
        record=("kind", "link"),
        free_text=("text",),
        not_shown="A staff member's alerts: they name records by number, never by name",
        erasure=Erasure("sweep", reason="Any mention is swept"),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "outbox_message",
        Mention("an email's subject or body"),
        record=("email_address", "kind", "status", "notify_id", "error"),
        free_text=("subject", "body"),
        not_shown="Emails to staff: they name records by number, never by name",
        erasure=Erasure("sweep", reason="Any mention is swept"),
        retention=_KEPT_WITH_RECORD,
    ),
    Holding(
        "breach",
        Mention("the description of a breach"),
        free_text=(
            "what_happened",
            "data_affected",
            "people_affected",
            "organisations_involved",
            "risk_assessment",
            "decision_reasons",
            "delay_reason",
            "actions_taken",
        ),
        record=("status", "risk_level", "ico_reference"),
        not_shown="A breach record describes the incident; people affected are told directly (Art. 34)",
        erasure=Erasure("sweep", reason="The breach log is kept (Art. 33(5)); any mention is swept"),
        retention=Retention(None, note="The breach log is kept as Art. 33(5) requires"),
    ),
)

FILE_KINDS: tuple[FileKind, ...] = (
    FileKind(
        "consent_evidence",
        "Signed consent forms",
        "consent_evidence",
        ("storage_key",),
        row_goes=True,
        in_package="Listed in the signed consent forms section",
        portable="Not exported",
        retention="consents",
    ),
    FileKind(
        "gp_letters",
        "Issued GP letters",
        "gp_letter",
        ("pdf_key",),
        row_goes=False,
        in_package="The letter's text is in the letters section",
        portable="Not exported",
        retention="participant_record",
    ),
    FileKind(
        "disclosure_copies",
        "Copies of what was disclosed",
        "disclosure",
        ("copy_key",),
        row_goes=False,
        in_package="Each disclosure is in the disclosures register",
        portable="Not exported",
        retention="disclosures",
    ),
    FileKind(
        "rights_portability",
        "Portability exports",
        "rights_portability_export",
        ("file_key",),
        row_goes=True,
        in_package="A copy of the personal details and consents shown",
        portable="It is the export",
        retention="reports",
    ),
    FileKind(
        "access_packages",
        "Access packages",
        "access_package",
        ("draft_key", "released_key"),
        row_goes=False,
        in_package="An earlier package: a copy of this content",
        portable="Not exported",
        retention="reports",
        erased_as="access_package.file",
    ),
)

NO_PARTICIPANT_DATA: dict[str, NoData] = {
    "access_review": NoData("A quarterly review of staff access"),
    "access_review_decision": NoData("A staff member's roles kept or removed in a review"),
    "api_client": NoData("An API client's name and hashed secret"),
    "api_rate_window": NoData("Request counts per client and minute"),
    "api_token": NoData("Hashed API tokens"),
    "audit_verification": NoData("Results of checking the audit chain: sequence numbers and hashes", swept=False),
    "consent_purpose": NoData("The purposes consent is asked for"),
    "contract_area": NoData("Which partner delivers in which area"),
    "contract_area_change": NoData("Changes of contract areas between partners"),
    "destruction_list": NoData("A night's destruction list: its items name participants by id"),
    "invitation": NoData("Staff invitations (hashed tokens)"),
    "membership": NoData("Staff roles per organisation"),
    "mfa_reset": NoData("A staff member's request to reset their second factor"),
    "organisation": NoData("The partners and DWP", swept=False),
    "password_reset": NoData("Staff password resets (hashed tokens)"),
    "privacy_notice": NoData("The versions of the privacy notice: which one a participant saw is on their consent"),
    "retention_rule": NoData("The retention periods"),
    "retention_rule_change": NoData("Changes to the retention periods"),
    "signin_failure": NoData("Failed staff sign-ins"),
    "signin_lock": NoData("Staff sign-in locks"),
    "staff_session": NoData("A staff member's server-side session, purged after its time-out"),
    "tombstone": NoData("What was destroyed, by kind and id: never what it said"),
    "training_notice": NoData("Reminders of staff data protection training"),
    "user_account": NoData("Staff accounts (a colleague sharing a participant's name keeps it)", swept=False),
}

# ----------------------------------------------------------------------- readers


def holding(table: str) -> Holding:
    """The registry's entry for ``table`` (KeyError if it holds no participant data)."""
    return _by_table()[table]


@cache
def _by_table() -> dict[str, Holding]:
    return {h.table: h for h in HOLDINGS}


def sections() -> list[tuple[Holding, Section]]:
    """Every access-package section, in package order, with the holding it reads."""
    return sorted(((h, s) for h in HOLDINGS for s in h.sections), key=lambda hs: hs[1].position)


def redacted() -> list[Holding]:
    """Holdings whose rows erasure redacts field by field, in registry order."""
    return [h for h in HOLDINGS if h.erasure.action == "redact"]


def portable() -> list[Holding]:
    """Holdings portability exports, in export order."""
    return [h for h in HOLDINGS if h.portable is not None]


def listed_by(rule: str) -> list[Holding]:
    """Holdings whose rows are destruction items of ``rule``, in registry order."""
    return [h for h in HOLDINGS if h.retention.rule == rule and h.retention.item_from]


def unswept_tables() -> set[str]:
    """Tables the identifier sweep of erasure leaves alone."""
    return {h.table for h in HOLDINGS if not h.erasure.swept} | {
        name for name, entry in NO_PARTICIPANT_DATA.items() if not entry.swept
    }


@cache
def model_of(table: str) -> Any:
    """The mapped class of ``table``."""
    for mapper in Model.registry.mappers:
        if getattr(mapper, "local_table", None) is not None and cast(sa.Table, mapper.local_table).name == table:
            return mapper.class_
    raise LookupError(f"no model for table {table}")


def rows_query(found: Holding, participant_ids: Sequence[int], org_id: int | None = None) -> Select[Any]:
    """The participant's rows of ``found`` (of every id in ``participant_ids``); with
    ``org_id``, only rows of that organisation where the finder is organisation-scoped
    (the access package). Only for holdings found by a column, a link or as the
    subject: the others are reached by the identifier sweep."""
    model = model_of(found.table)
    ids = list(participant_ids)
    finder = found.found_by
    if isinstance(finder, Subject):
        query = select(model).where(model.id.in_(ids))
        return query.where(model.org_id == org_id) if org_id is not None else query
    if isinstance(finder, ByColumn):
        query = select(model).where(getattr(model, finder.column).in_(ids))
        if org_id is not None and finder.org_scoped:
            query = query.where(model.org_id == org_id)
        return query
    if isinstance(finder, Via):
        parent = model_of(finder.parent)
        query = (
            select(model).join(parent, getattr(model, finder.link) == parent.id).where(parent.participant_id.in_(ids))
        )
        return query.where(parent.org_id == org_id) if org_id is not None else query
    raise TypeError(f"{found.table} is found by {type(finder).__name__}: reached by the identifier sweep")


def queryable(found: Holding) -> bool:
    return isinstance(found.found_by, (Subject, ByColumn, Via))


def order_columns(table: str, names: Sequence[str]) -> list[sa.ColumnElement[Any]]:
    """``order_by`` names as columns: ``"col"`` of ``table``, ``"other.col"`` of another."""
    columns: list[sa.ColumnElement[Any]] = []
    for name in names:
        owner, _, column = name.rpartition(".")
        columns.append(db.metadata.tables[owner or table].c[column])
    return columns


def section_query(found: Holding, section: Section, participant_id: int, org_id: int) -> Select[Any]:
    """The rows of ``section`` for one participant, in the section's order."""
    if isinstance(section.rows_from, Referenced):
        target = model_of(section.rows_from.table)
        pointers = rows_query(found, [participant_id], org_id).with_only_columns(
            getattr(model_of(found.table), section.rows_from.column)
        )
        query = select(target).where(target.id.in_(pointers))
        return query.order_by(*order_columns(section.rows_from.table, section.order_by))
    query = rows_query(found, [participant_id], org_id).order_by(*order_columns(found.table, section.order_by))
    if isinstance(found.found_by, Via):
        # The parent row is joined already: load it from the join, so that a column read
        # through it ("note.contact_date") takes no query a row.
        model = model_of(found.table)
        link = found.found_by.link
        for relationship in sa.inspect(model).relationships:
            if any(column.name == link for column in relationship.local_columns):
                query = query.options(contains_eager(getattr(model, relationship.key)))
    return query


def text_columns(table: sa.Table) -> Iterator[sa.Column[Any]]:
    """The String, Text and JSON columns of ``table`` (primary keys left out)."""
    for column in table.columns:
        if not column.primary_key and isinstance(column.type, (sa.String, sa.Text, sa.JSON)):
            yield column


def unclassified(holdings: Sequence[Holding], metadata: sa.MetaData) -> list[str]:
    """``table.column`` of every text column of a registered table that no kind names,
    or that two kinds name, or that names no column of the table."""
    problems: list[str] = []
    for found in holdings:
        table = metadata.tables.get(found.table)
        if table is None:
            problems.append(f"{found.table}: no such table")
            continue
        kinds = found.free_text + found.identifiers + found.special_category + found.record
        for name in kinds:
            if name not in table.c:
                problems.append(f"{found.table}.{name}: no such column")
            elif kinds.count(name) > 1:
                problems.append(f"{found.table}.{name}: placed in more than one kind")
        for column in text_columns(table):
            if column.name not in kinds:
                problems.append(f"{found.table}.{column.name}: not classified")
    return sorted(set(problems))


def unmapped(holdings: Sequence[Holding], no_data: dict[str, NoData], metadata: sa.MetaData) -> list[str]:
    """Tables of ``metadata`` neither registered nor listed as holding no participant
    data, registered and listed both, listed without a reason, or listed although they
    have a ``participant_id`` column."""
    registered = {h.table for h in holdings}
    problems: list[str] = []
    for name, table in metadata.tables.items():
        listed = name in no_data
        if name in registered and listed:
            problems.append(f"{name}: both in the registry and on NO_PARTICIPANT_DATA")
        elif not listed and name not in registered:
            problems.append(f"{name}: neither in the registry nor on NO_PARTICIPANT_DATA")
        elif listed and not no_data[name].reason.strip():
            problems.append(f"{name}: on NO_PARTICIPANT_DATA without a reason")
        elif listed and _PARTICIPANT in table.c:
            problems.append(f"{name}: has a participant_id but is on NO_PARTICIPANT_DATA")
    return sorted(problems)
