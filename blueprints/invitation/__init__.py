"""The invitation link: a new account sets its password, then enrols its authenticator.

Public pages: the token in the URL is the credential. Nothing is saved until the
first code from the new authenticator is confirmed; then the link is used up and
the person signs in as everyone does."""

from blueprints.invitation.routes import bp  # noqa: F401
