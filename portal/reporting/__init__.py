"""What DWP receives: the monthly contract report, the lead partner's dashboard, and
statistics with disclosure control."""
