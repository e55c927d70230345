"""Files that hold personal data (signed consent forms, issued letters), kept outside
the web root.

They live under ``PRIVATE_FILES_DIR`` (default: ``<instance>/private-files``), never
under ``static/``, so no URL reaches them directly: each is served by a route that
first decides whether the signed-in user may see the record it belongs to, and
audits the download. Names on disk are random; the name a person gave a file is
never part of a path.
"""

import hashlib
import os
import re
import secrets
import tempfile
from dataclasses import dataclass

from flask import Response, current_app

from portal import clock

_KEY_RE = re.compile(r"^[a-z_]+/\d{4}/[0-9a-f]{32}\.(pdf|png|jpg|zip)$")
SUFFIXES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "application/zip": ".zip"}


@dataclass
class StoredFile:
    key: str
    sha256: str
    size: int


def root() -> str:
    return current_app.config.get("PRIVATE_FILES_DIR") or os.path.join(current_app.instance_path, "private-files")


def _path(key: str) -> str:
    if not _KEY_RE.match(key or ""):
        raise ValueError("not a private file key")
    return os.path.join(root(), key)


def store(kind: str, content: bytes, content_type: str) -> StoredFile:
    """Write ``content`` under a new random key of folder ``kind`` (owner-only
    permissions; written to a temporary file and renamed, so never half there)."""
    if not re.fullmatch(r"[a-z_]+", kind):
        raise ValueError("kind must be lower-case letters")
    key = f"{kind}/{clock.now():%Y}/{secrets.token_hex(16)}{SUFFIXES[content_type]}"
    path = _path(key)
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return StoredFile(key=key, sha256=hashlib.sha256(content).hexdigest(), size=len(content))


def read(key: str) -> bytes:
    with open(_path(key), "rb") as source:
        return source.read()


def delete(key: str) -> None:
    """Remove a stored file (a transaction that stored it and then failed; erasure)."""
    try:
        os.unlink(_path(key))
    except FileNotFoundError:
        pass


def response(key: str, content_type: str, download_name: str) -> Response:
    """The file as a download: never rendered in the portal's origin, never cached."""
    body = read(key)
    resp = Response(body, mimetype=content_type)
    resp.headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
