"""Caseload pages: a VRC's own, and the team manager's (caseload, unallocated
referrals, each VRC's load, the month's times to first contact, the research and
focus-group contact list)."""

from blueprints.caseload.routes import bp  # noqa: F401
