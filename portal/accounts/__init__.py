"""Staff accounts and signing in: organisations, invitations and roles, passwords, one-time
codes, lockout, lost-phone resets, reactivation, and each user's home page."""
