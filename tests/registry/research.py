"""Cases for the research and focus-group contact list (issue 15): a team manager's page
of their own organisation, and its CSV export. Other roles of h2e lack the permission
(403); anyone not a member of h2e gets 404 (and every role 404 on salus's URL)."""

from tests.registry import Case

NOT_MEMBERS = {"ooh_lead": 404, "dpo": 404, "contract_manager": 404, "lead_admin": 404, "dwp": 404}

CASES = [
    Case("caseload.research_contacts", expect={"team_manager": 200, **NOT_MEMBERS}),
    Case("caseload.research_contacts_csv", "POST", expect={"team_manager": 200, **NOT_MEMBERS}),
]
