"""API clients (lead admin): register, rotate and revoke the machine clients of the API."""
