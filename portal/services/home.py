"""What each user's home page offers: only what their roles let them do."""
from dataclasses import dataclass, field

from flask import url_for

from portal.permissions import allowed


@dataclass
class Link:
    text: str
    href: str
    hint: str = ""


@dataclass
class Section:
    title: str
    links: list[Link] = field(default_factory=list)


# (action that must be allowed, link text, endpoint, hint) for fixed, cross-organisation pages.
GLOBAL_LINKS: list[tuple[str, str, str, str]] = [
    ("override.review", "Emergency overrides to review", "privacy.overrides",
     "Contacts with the emergency services or a GP made without consent, until you review them"),
    ("authority_request.decide", "Requests from authorities", "privacy.authority_requests_list",
     "Approve or refuse requests from HMRC, the police and others; record what was disclosed"),
    ("privacy_notice.manage", "Privacy notice versions", "privacy.notices",
     "Publish a new version of the participant privacy notice, with its change note"),
    ("retention.manage", "Retention and destruction", "retention.lists",
     "Approve the destruction list, place or lift legal holds, set retention rules, seal audit checkpoints"),
    ("breach.manage", "Breach register", "governance_dpo.breach_register",
     "Suspected personal data breaches: the 72-hour clock, your decision on reporting to the ICO, what followed"),
    ("audit.search", "Audit trail", "governance_dpo.audit_search_page",
     "Search audit events by participant, staff member, action and date; who viewed a record; check the chain"),
    ("breach.report", "Report a suspected personal data breach", "breaches.new",
     "Data sent to the wrong person, lost or seen by someone who should not: tell the DPO at once"),
    ("training.manage", "Data protection training", "governance_admin.training_overview",
     "Record training dates (one by one or by CSV) and see who is current, due within 30 days or lapsed"),
    ("access_review.oversee", "Quarterly access reviews", "governance_admin.access_reviews_overview",
     "Which organisations have confirmed their staff’s roles this quarter, and which are overdue"),
    ("rights_request.manage", "Data protection: rights requests and complaints", "dpo_rights.home",
     "Rights requests by due date (overdue, due within 5 working days, stopped clocks), complaints"),
    ("rights_request.log", "Log a data protection rights request", "rights_intake.new",
     "Someone asked for their data, or to correct, erase or restrict it: log it on the day it arrives"),
    ("authority_request.log", "Log a request from an authority", "authority_requests.index",
     "HMRC, the police or another authority asked for a participant’s information: log it for the DPO"),
    ("lead.dashboard", "Contract dashboard", "lead.dashboard_page",
     "Each organisation’s monthly figures and their trend over 12 months"),
    ("report.manage", "Monthly contract reports", "lead.reports",
     "Build, review and publish the DWP contract report; correct a published month"),
    ("report.read_published", "Published contract reports", "dwp.reports",
     "The reports published to DWP: every version, with CSV, XLSX and JSON downloads"),
    ("statistics.view", "Statistics", "dwp.statistics_page",
     "Cases closed by month, organisation, postcode area and outcome, with small counts suppressed"),
    ("api_client.manage", "API clients", "api_clients.index",
     "Register the machine clients of the API, rotate their secrets, revoke them"),
    ("ooh.search", "Out-of-hours line", "ooh.search",
     "Find a caller, check who they are and whether they agree, then change an appointment or leave a callback"),
    ("ooh.access", "Your access to participants’ records", "ooh.grants",
     "Records a participant opened to you on a call, until the end of your shift; end access early"),
    ("ooh.log", "Out-of-hours log", "ooh_dpo.dpo_log",
     "Every out-of-hours search, verbal-consent check, grant, refusal, view and action"),
    ("contract_area.manage", "Contract areas", "contract_areas.index",
     "Which organisation delivers in each postcode area, and the history of changes"),
    ("staff.manage", "Staff accounts", "staff.index",
     "Create staff accounts, give and remove roles, deactivate accounts"),
    ("jobs.periodic", "Scheduled jobs", "jobs.periodic",
     "Jobs that run on their own (audit checks, housekeeping): their last run, and run one now"),
    ("account.password", "Change your password", "account.change_password",
     "Anywhere else you are signed in is signed out"),
]

# (action allowed in the organisation, link text, endpoint, hint) for each organisation's pages.
ORG_LINKS: list[tuple[str, str, str, str]] = [
    ("caseload.own", "Your caseload", "caseload.mine",
     "Your participants: new allocations, next appointments, overdue actions"),
    ("caseload.team", "Your team", "caseload.overview",
     "Each VRC’s load, unallocated referrals and this month’s time to first contact"),
    ("caseload.team", "Team caseload", "caseload.team_caseload", "Every participant of the organisation"),
    ("research_contacts.view", "Research and focus-group contacts", "caseload.research_contacts",
     "Participants who agreed to be contacted for research, with a CSV export for the research team"),
    ("ooh.log.org", "Out-of-hours log", "ooh_org.org_log",
     "Out-of-hours searches, checks, grants, refusals and actions about your participants"),
    ("referral.take_in", "Take in referrals", "referrals.new", "One by form, or many by CSV upload"),
    ("org.view", "Organisation home", "org.home", "Your roles and the staff list"),
]


def sections_for(user) -> list[Section]:
    sections = []
    service = Section("Service-wide")
    for action, text, endpoint, hint in GLOBAL_LINKS:
        if allowed(action, user):
            service.links.append(Link(text, url_for(endpoint), hint))
    if service.links:
        sections.append(service)
    for org in user.organisations():
        if not org.delivers:
            continue
        section = Section(org.name)
        for action, text, endpoint, hint in ORG_LINKS:
            if allowed(action, user, org):
                section.links.append(Link(text, url_for(endpoint, org=org.slug), hint))
        if section.links:
            sections.append(section)
    return sections
