"""A staff member's own account: password change and recovery, authenticator enrolment."""
