"""A VRC's casework on a participant's record: the record itself, case notes, appointments,
the support plan, milestones, allocation and caseloads, GP letters, employer contacts
and research contacts."""
