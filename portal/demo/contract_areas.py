"""Demo contract areas: postcode areas of England, Wales and Scotland spread across
the lead and delivery partners, with a few left unallocated so that referrals from
them land in the lead partner's unallocated queue."""

from portal.models import Organisation
from portal.referrals.contract_areas import seed_areas

DEMO_AREAS = {
    # Ingeus (lead partner, also delivers): London and around.
    "ingeus": "E EC N NW SE SW W WC BR CR DA EN HA IG KT RM SM TW UB",
    # Health 2 Employment: Yorkshire and the North West.
    "h2e": "LS BD HX HD WF HG YO S DN HU M OL BL SK WN WA L CH PR BB",
    # Case UK: the Midlands and the East.
    "case-uk": "B CV WS WV DY ST DE NG LE NN MK NR IP CB CO",
    # Salus: Wales and the South West.
    "salus": "CF SA NP LL LD SY BS BA EX PL TR TQ GL",
    # The Better Health Generation: Scotland and the North East.
    "tbhg": "EH G AB DD FK KY PA ML KA IV PH NE SR DH TS",
}
# Left unallocated on purpose, among others: ZE, HS, KW (the far north of Scotland),
# LN, PE (Lincolnshire and the Fens), TD, DG (the Borders and Dumfries).


def seed_contract_areas(orgs: dict[str, Organisation]) -> None:
    """Idempotent: areas already in the table (perhaps changed by hand) stay as they are."""
    assignments = {}
    for slug, areas in DEMO_AREAS.items():
        if slug in orgs:
            for area in areas.split():
                assignments[area] = orgs[slug].id
    seed_areas(assignments)
