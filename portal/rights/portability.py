"""Data portability (UK GDPR Art. 20): what the participant provided, exported as JSON and
CSV in a zip (the registry, portal.data_map:portable, says what), kept for the DPO to
send and read back under audit."""

import io
import json
import zipfile
from typing import Any

from sqlalchemy import select

from portal import audit, clock, data_map, participant_fields, private_files, spreadsheets
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.consent import disclosures
from portal.extensions import db
from portal.models import Participant
from portal.models.rights import PortabilityExport, RightsRequest
from portal.rights.rights_identity import require_identity_verified
from portal.rights.rights_requests import open_for_dpo
from portal.rights.rights_workflows import linked_participant

# What the participant gave at referral or intake (Art. 20: "provided by" them): the
# participant-data registry's (portal.data_map: each holding's ``portable``).
PROVIDED_FIELDS = data_map.PROVIDED_FIELDS


def _export_value(value: Any, style: str) -> Any:
    if style == "text":
        return participant_fields.as_text(value)
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _path(row: Any, path: str) -> Any:
    for part in path.split("."):
        if row is None:
            return None
        row = getattr(row, part)
    return row


def _portable(participant: Participant) -> dict[str, Any]:
    """What the registry marks portable, per holding: one row as a dict, or a list."""
    data: dict[str, Any] = {}
    for holding in data_map.portable():
        spec = holding.portable
        assert spec is not None
        query = data_map.rows_query(holding, [participant.id]).order_by(
            *data_map.order_columns(holding.table, spec.order_by)
        )
        rows = [
            {c.key: _export_value(_path(row, c.path), spec.style) for c in spec.fields}
            for row in db.session.scalars(query)
        ]
        data[spec.key] = (rows[0] if rows else {}) if spec.single else rows
    return data


def portability_zip(participant: Participant) -> bytes:
    data = _portable(participant)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for holding in data_map.portable():
            spec = holding.portable
            assert spec is not None
            if spec.single:
                content = spreadsheets.csv_text(data[spec.key].items(), header=["field", "value"])
            else:
                columns = [c.key for c in spec.fields]
                content = spreadsheets.csv_text(([row[k] for k in columns] for row in data[spec.key]), header=columns)
            archive.writestr(f"{spec.key}.csv", content)
    return out.getvalue()


def create_portability_export(request: RightsRequest, user_id: int | None) -> PortabilityExport:
    """UK GDPR Art. 20: the data the participant provided, CSV and JSON in a ZIP,
    kept as a private file; its release is a disclosure to the participant, so it is
    refused until the requester's identity is verified (rule 5)."""

    open_for_dpo(request, user_id)
    participant = linked_participant(request)
    require_identity_verified(request, "make the portability file", user_id)
    # The file's release is a disclosure, refused while restricted: refuse before storing it.
    ensure_not_restricted(participant, Action.DISCLOSURE_RECORD, "sharing their data")
    content = portability_zip(participant)
    stored = private_files.store("rights_portability", content, "application/zip")
    export = PortabilityExport(
        org_id=participant.org_id,
        participant_id=participant.id,
        request_id=request.id,
        file_key=stored.key,
        sha256=stored.sha256,
        created_by_id=user_id,
        created_at=clock.now(),
    )
    db.session.add(export)
    db.session.flush()
    disclosure = disclosures.record_disclosure(
        participant,
        "other",
        "The participant (data subject)",
        "Data portability request",
        ["Personal details they provided", "Contact details and preferences", "Their consents"],
        summary=f"Data provided by the participant (CSV and JSON), request {request.reference}",
        legal_basis="legal_obligation",
        legal_basis_detail="UK GDPR Article 20 (data portability)",
        copy_path=stored.key,
        copy_content_type="application/zip",
        method="Secure download",
        user_id=user_id,
        source="rights_request",
        source_id=request.id,
    )
    export.disclosure_id = disclosure.id
    audit.record(
        "rights_request.portability_export",
        object_type="rights_request",
        object_id=request.id,
        participant_id=participant.id,
        org_id=participant.org_id,
        user_id=user_id,
        detail={"export_id": export.id, "sha256": stored.sha256},
    )
    db.session.commit()
    return export


def exports_of(request: RightsRequest) -> list[PortabilityExport]:
    return list(
        db.session.scalars(
            select(PortabilityExport).where(PortabilityExport.request_id == request.id).order_by(PortabilityExport.id)
        )
    )


def read_export(export: PortabilityExport, user_id: int | None) -> bytes:
    audit.record(
        "rights_request.portability_downloaded",
        object_type="rights_request",
        object_id=export.request_id,
        participant_id=export.participant_id,
        org_id=export.org_id,
        user_id=user_id,
        detail={"export_id": export.id},
    )
    db.session.commit()
    return private_files.read(export.file_key)
