"""Consent fixtures: the casework world (tests/casework/conftest.py) plus the consent
purposes and version 1 of the AtW MHSS privacy notice, published."""

import pytest

from tests.casework.conftest import cw  # noqa: F401  (fixtures)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def notice(make):
    """Version 1 of the AtW MHSS notice (the demo's text), published."""
    make.consent_purposes()
    return make.privacy_notice()


@pytest.fixture
def world(cw, notice):
    cw.notice = notice
    return cw
