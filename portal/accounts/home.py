"""What each user's home page offers: only what their roles let them do."""

from dataclasses import dataclass, field

from flask import url_for

from portal.actions import Action
from portal.models import User
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
GLOBAL_LINKS: list[tuple[Action, str, str, str]] = [
    (
        Action.OVERRIDE_REVIEW,
        "Emergency overrides to review",
        "dpo.privacy.overrides",
        "Contacts with the emergency services or a GP made without consent, until you review them",
    ),
    (
        Action.AUTHORITY_REQUEST_DECIDE,
        "Requests from authorities",
        "dpo.privacy.authority_requests_list",
        "Approve or refuse requests from HMRC, the police and others; record what was disclosed",
    ),
    (
        Action.PRIVACY_NOTICE_MANAGE,
        "Privacy notice versions",
        "dpo.privacy.notices",
        "Publish a new version of the participant privacy notice, with its change note",
    ),
    (
        Action.RETENTION_MANAGE,
        "Retention and destruction",
        "dpo.retention.lists",
        "Approve the destruction list, place or lift legal holds, set retention rules, seal audit checkpoints",
    ),
    (
        Action.BREACH_MANAGE,
        "Breach register",
        "dpo.governance.breach_register",
        "Suspected personal data breaches: the 72-hour clock, your decision on reporting to the ICO, what followed",
    ),
    (
        Action.AUDIT_SEARCH,
        "Audit trail",
        "dpo.governance.audit_search_page",
        "Search audit events by participant, staff member, action and date; who viewed a record; check the chain",
    ),
    (
        Action.BREACH_REPORT,
        "Report a suspected personal data breach",
        "breaches.new",
        "Data sent to the wrong person, lost or seen by someone who should not: tell the DPO at once",
    ),
    (
        Action.TRAINING_MANAGE,
        "Data protection training",
        "governance.training_overview",
        "Record training dates (one by one or by CSV) and see who is current, due within 30 days or lapsed",
    ),
    (
        Action.ACCESS_REVIEW_OVERSEE,
        "Quarterly access reviews",
        "governance.access_reviews_overview",
        "Which organisations have confirmed their staff’s roles this quarter, and which are overdue",
    ),
    (
        Action.RIGHTS_REQUEST_MANAGE,
        "Data protection: rights requests and complaints",
        "dpo.requests.home",
        "Rights requests by due date (overdue, due within 5 working days, stopped clocks), complaints",
    ),
    (
        Action.RIGHTS_REQUEST_LOG,
        "Log a data protection rights request",
        "rights_intake.new",
        "Someone asked for their data, or to correct, erase or restrict it: log it on the day it arrives",
    ),
    (
        Action.AUTHORITY_REQUEST_LOG,
        "Log a request from an authority",
        "authority_requests.index",
        "HMRC, the police or another authority asked for a participant’s information: log it for the DPO",
    ),
    (
        Action.LEAD_DASHBOARD,
        "Contract dashboard",
        "lead.dashboard_page",
        "Each organisation’s monthly figures and their trend over 12 months",
    ),
    (
        Action.REPORT_MANAGE,
        "Monthly contract reports",
        "lead.reports",
        "Build, review and publish the DWP contract report; correct a published month",
    ),
    (
        Action.REPORT_READ_PUBLISHED,
        "Published contract reports",
        "dwp.reports",
        "The reports published to DWP: every version, with CSV, XLSX and JSON downloads",
    ),
    (
        Action.STATISTICS_VIEW,
        "Statistics",
        "dwp.statistics_page",
        "Cases closed by month, organisation, postcode area and outcome, with small counts suppressed",
    ),
    (
        Action.API_CLIENT_MANAGE,
        "API clients",
        "api_clients.index",
        "Register the machine clients of the API, rotate their secrets, revoke them",
    ),
    (
        Action.OOH_SEARCH,
        "Out-of-hours line",
        "ooh.search",
        "Find a caller, check who they are and whether they agree, then change an appointment or leave a callback",
    ),
    (
        Action.OOH_ACCESS,
        "Your access to participants’ records",
        "ooh.grants",
        "Records a participant opened to you on a call, until the end of your shift; end access early",
    ),
    (
        Action.OOH_LOG,
        "Out-of-hours log",
        "dpo.ooh.dpo_log",
        "Every out-of-hours search, verbal-consent check, grant, refusal, view and action",
    ),
    (
        Action.CONTRACT_AREA_MANAGE,
        "Contract areas",
        "contract_areas.index",
        "Which organisation delivers in each postcode area, and the history of changes",
    ),
    (
        Action.STAFF_MANAGE,
        "Staff accounts",
        "staff.index",
        "Create staff accounts, give and remove roles, deactivate accounts",
    ),
    (
        Action.JOBS_PERIODIC,
        "Scheduled jobs",
        "jobs.periodic",
        "Jobs that run on their own (audit checks, housekeeping): their last run, and run one now",
    ),
    (
        Action.ACCOUNT_PASSWORD,
        "Change your password",
        "account.change_password",
        "Anywhere else you are signed in is signed out",
    ),
]

# (action allowed in the organisation, link text, endpoint, hint) for each organisation's pages.
ORG_LINKS: list[tuple[Action, str, str, str]] = [
    (
        Action.CASELOAD_OWN,
        "Your caseload",
        "caseload.mine",
        "Your participants: new allocations, next appointments, overdue actions",
    ),
    (
        Action.CASELOAD_TEAM,
        "Your team",
        "caseload.overview",
        "Each VRC’s load, unallocated referrals and this month’s time to first contact",
    ),
    (Action.CASELOAD_TEAM, "Team caseload", "caseload.team_caseload", "Every participant of the organisation"),
    (
        Action.RESEARCH_CONTACTS_VIEW,
        "Research and focus-group contacts",
        "caseload.research_contacts",
        "Participants who agreed to be contacted for research, with a CSV export for the research team",
    ),
    (
        Action.OOH_LOG_ORG,
        "Out-of-hours log",
        "ooh_oversight.org_log",
        "Out-of-hours searches, checks, grants, refusals and actions about your participants",
    ),
    (Action.REFERRAL_TAKE_IN, "Take in referrals", "referrals.new", "One by form, or many by CSV upload"),
    (Action.ORG_VIEW, "Organisation home", "org.home", "Your roles and the staff list"),
]


def sections_for(user: User) -> list[Section]:
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
