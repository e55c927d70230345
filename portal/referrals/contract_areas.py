"""Contract areas: the table that routes referrals to a delivering organisation.

The postcode area is the leading letters of a postcode's outward code ("LS" for
"LS1 4AP", "M" for "M1 1AE"). Each area is delivered by one lead or delivery
organisation; an area missing from the table is unallocated, and its referrals
wait in the lead partner's queue. Every change is kept in ``contract_area_change``
(who, when, from which organisation to which) and audited.
"""

import re
from dataclasses import dataclass

from sqlalchemy import select

from portal import audit, clock, tenancy
from portal.extensions import db
from portal.models import ContractArea, ContractAreaChange, Organisation

# The 121 postcode areas of the United Kingdom (Royal Mail).
UK_POSTCODE_AREAS = frozenset(
    [
        "AB",
        "AL",
        "B",
        "BA",
        "BB",
        "BD",
        "BH",
        "BL",
        "BN",
        "BR",
        "BS",
        "BT",
        "CA",
        "CB",
        "CF",
        "CH",
        "CM",
        "CO",
        "CR",
        "CT",
        "CV",
        "CW",
        "DA",
        "DD",
        "DE",
        "DG",
        "DH",
        "DL",
        "DN",
        "DT",
        "DY",
        "E",
        "EC",
        "EH",
        "EN",
        "EX",
        "FK",
        "FY",
        "G",
        "GL",
        "GU",
        "HA",
        "HD",
        "HG",
        "HP",
        "HR",
        "HS",
        "HU",
        "HX",
        "IG",
        "IP",
        "IV",
        "KA",
        "KT",
        "KW",
        "KY",
        "L",
        "LA",
        "LD",
        "LE",
        "LL",
        "LN",
        "LS",
        "LU",
        "M",
        "ME",
        "MK",
        "ML",
        "N",
        "NE",
        "NG",
        "NN",
        "NP",
        "NR",
        "NW",
        "OL",
        "OX",
        "PA",
        "PE",
        "PH",
        "PL",
        "PO",
        "PR",
        "RG",
        "RH",
        "RM",
        "S",
        "SA",
        "SE",
        "SG",
        "SK",
        "SL",
        "SM",
        "SN",
        "SO",
        "SP",
        "SR",
        "SS",
        "ST",
        "SW",
        "SY",
        "TA",
        "TD",
        "TF",
        "TN",
        "TQ",
        "TR",
        "TS",
        "TW",
        "UB",
        "W",
        "WA",
        "WC",
        "WD",
        "WF",
        "WN",
        "WR",
        "WS",
        "WV",
        "YO",
        "ZE",
    ]
)

_LEADING_LETTERS = re.compile(r"[A-Z]+")


class ContractAreaProblem(ValueError):
    """A change the table refuses; ``field`` names the form field to point at."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def postcode_area(postcode: str | None) -> str:
    """The postcode area of a postcode or outward code: its leading letters,
    upper-cased, spaces ignored ("ls1 4ap" → "LS"); "" when it starts with none."""
    compact = "".join((postcode or "").split()).upper()
    match = _LEADING_LETTERS.match(compact)
    return match.group(0) if match else ""


def org_for_postcode(postcode: str | None) -> Organisation | None:
    """The organisation delivering in the postcode's area, or None (unallocated)."""
    area = postcode_area(postcode)
    if not area:
        return None
    row = db.session.scalars(select(ContractArea).where(ContractArea.area == area)).first()
    return row.organisation if row else None


def area_problem(area: str | None) -> str | None:
    """Why ``area`` is not a postcode area that can be put in the table, or None."""
    area = "".join((area or "").split()).upper()
    if not area:
        return "Enter a postcode area, like LS or M"
    if not area.isalpha() or len(area) > 2:
        return "Enter the postcode area only: the 1 or 2 letters at the start of a postcode, like LS or M"
    if area not in UK_POSTCODE_AREAS:
        return f"{area} is not a UK postcode area"
    return None


def normalise_area(area: str | None) -> str:
    return "".join((area or "").split()).upper()


def delivering_organisations() -> list[Organisation]:
    """The organisations an area can be given to: lead and delivery, by name."""
    return list(
        db.session.scalars(
            select(Organisation).where(Organisation.kind.in_(("lead", "delivery"))).order_by(Organisation.name)
        )
    )


def all_areas() -> list[ContractArea]:
    return list(db.session.scalars(select(ContractArea).order_by(ContractArea.area)))


def get_area(area: str) -> ContractArea | None:
    return db.session.scalars(select(ContractArea).where(ContractArea.area == normalise_area(area))).first()


def unallocated_areas() -> list[str]:
    """UK postcode areas with no delivering organisation, in order."""
    mapped = set(db.session.scalars(select(ContractArea.area)))
    return sorted(UK_POSTCODE_AREAS - mapped)


def history(area: str | None = None) -> list[ContractAreaChange]:
    """Changes to the table, newest first (of one area when given)."""
    stmt = select(ContractAreaChange).order_by(ContractAreaChange.at.desc(), ContractAreaChange.id.desc())
    if area:
        stmt = stmt.where(ContractAreaChange.area == normalise_area(area))
    return list(db.session.scalars(stmt))


def _delivering_org(org_id: object) -> Organisation:
    number = tenancy.valid_id(org_id)  # anything but a row id is no organisation, not a 500
    org = db.session.get(Organisation, number) if number else None
    if org is None or not org.delivers:
        raise ContractAreaProblem("organisation", "Select the organisation that delivers in this area")
    return org


def _record_change(
    area: str, from_org_id: int | None, to_org_id: int | None, user_id: int | None
) -> ContractAreaChange:
    change = ContractAreaChange(
        area=area, at=clock.now(), user_id=user_id, from_org_id=from_org_id, to_org_id=to_org_id
    )
    db.session.add(change)
    db.session.flush()
    audit.record(
        f"contract_area.{change.kind}",
        object_type="contract_area",
        object_id=area,
        detail={"from_org_id": from_org_id, "to_org_id": to_org_id, "change_id": change.id},
        user_id=user_id,
    )
    return change


@dataclass
class AssignResult:
    area: ContractArea
    change: ContractAreaChange


def add_area(area: str, org_id: object, *, user_id: int | None = None) -> AssignResult:
    """Put a new postcode area in the table, delivered by a lead or delivery
    organisation. An area already in the table is refused: change it instead."""
    problem = area_problem(area)
    if problem:
        raise ContractAreaProblem("area", problem)
    area = normalise_area(area)
    org = _delivering_org(org_id)
    existing = get_area(area)
    if existing is not None:
        raise ContractAreaProblem(
            "area", f"{area} is already delivered by {existing.organisation.name}: change it from the list instead"
        )
    row = ContractArea(area=area, org_id=org.id, changed_at=clock.now())
    db.session.add(row)
    change = _record_change(area, None, org.id, user_id)
    db.session.commit()
    return AssignResult(row, change)


def change_area(area: str, org_id: object, *, user_id: int | None = None) -> AssignResult:
    """Move an area to another delivering organisation. Referrals already
    allocated stay where they are; new ones go to the new organisation."""
    row = get_area(area)
    if row is None:
        raise LookupError(area)
    org = _delivering_org(org_id)
    if org.id == row.org_id:
        raise ContractAreaProblem(
            "organisation", f"{row.area} is already delivered by {org.name}: select a different organisation"
        )
    from_org_id = row.org_id
    row.org_id = org.id
    row.organisation = org
    row.changed_at = clock.now()
    change = _record_change(row.area, from_org_id, org.id, user_id)
    db.session.commit()
    return AssignResult(row, change)


def remove_area(area: str, *, user_id: int | None = None) -> ContractAreaChange:
    """Take an area out of the table: its new referrals become unallocated and
    wait in the lead partner's queue."""
    row = get_area(area)
    if row is None:
        raise LookupError(area)
    change = _record_change(row.area, row.org_id, None, user_id)
    db.session.delete(row)
    db.session.commit()
    return change


def seed_areas(assignments: dict[str, int]) -> int:
    """Add whichever of ``area → org id`` are not in the table yet (demo seed);
    areas already present are left as they are. Returns how many were added."""
    added = 0
    for area, org_id in assignments.items():
        if get_area(area) is None:
            add_area(area, org_id)
            added += 1
    return added
