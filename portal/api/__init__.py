"""The machine API: OAuth2 clients and tokens, referrals in, and its OpenAPI description."""
