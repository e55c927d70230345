"""DWP's pages (/dwp/): published contract reports and their downloads, and statistics."""

from blueprints.dwp.routes import bp  # noqa: F401
