"""Lead and organisation admins: organisations, two-admin MFA resets, reactivation."""
