"""Cases for the DPO's access packages, erasure and full read (issue 8): DPO only,
every other role 403 (the pages are under /dpo/, not casework URLs).

The world (on top of rights'): ``w.access_draft``, a built access package of
``w.rights_request`` (identity not verified) waiting for review (``w.passage_key`` is
one of its passages); ``w.access_verified_draft`` and ``w.access_released``, a built
and a released one of ``w.verified_request`` (identity proved).
``w.erasure_request`` asks to erase ``w.erasure_participant`` (no legal hold).
"""

from portal import clock, private_files
from portal.extensions import db
from portal.models import AccessPackage
from portal.models.rights import RightsRequestRight
from portal.rights import access_content, access_packages
from tests.factories import Factory
from tests.registry import WORLD_BUILDERS, Case
from tests.registry import rights as _rights  # noqa: F401  (its world comes first)


def _package(w, request=None):
    request = request or w.rights_request
    package = AccessPackage(
        org_id=w.home.id,
        participant_id=w.participant.id,
        rights_request_id=request.id,
        status="building",
        created_by_id=w.users["dpo"].id,
        created_at=clock.now(),
    )
    db.session.add(package)
    db.session.flush()
    sections = access_content.collect(w.participant)
    stored = private_files.store("access_packages", access_packages.make_zip(package, sections), "application/zip")
    package.draft_key, package.draft_sha256, package.status = stored.key, stored.sha256, "ready"
    return package, sections


def _access(w):
    w.access_draft, sections = _package(w)
    w.passage_key = next(access_content.passages(sections))[0]
    w.access_released, _ = _package(w, w.verified_request)
    w.access_verified_draft, _ = _package(w, w.verified_request)
    db.session.commit()
    access_packages.release(w.access_released, w.users["dpo"].id)
    w.erasure_participant = Factory().participant(w.home, w.users["vrc"], first_name="Erin", last_name="Erasable")
    w.erasure_request = _rights._request(
        w, participant_id=w.erasure_participant.id, rights=[RightsRequestRight(right="erasure")]
    )
    db.session.commit()


WORLD_BUILDERS.append(_access)

DPO = {"dpo": 200}


def _r(w):
    return {"request_id": w.rights_request.id}


def _p(name):
    return lambda w: {"request_id": getattr(w, name).rights_request_id, "package_id": getattr(w, name).id}


CASES = [
    Case("dpo.rights.participant_record", args=_r, expect=DPO),
    Case("dpo.rights.participant_record", args=lambda w: {**_r(w), "tab": "case-notes"}, expect=DPO, note="tab"),
    Case("dpo.rights.access_package", args=_r, expect=DPO),
    Case("dpo.rights.access_package", "POST", args=_r, expect={"dpo": 303}),
    Case("dpo.rights.access_review", args=_p("access_draft"), expect=DPO),
    Case(
        "dpo.rights.access_redact",
        "POST",
        args=_p("access_draft"),
        data=lambda w: {"passage_key": w.passage_key, "reason": "About another person"},
        expect={"dpo": 303},
    ),
    Case("dpo.rights.access_release", "POST", args=_p("access_verified_draft"), expect={"dpo": 303}),
    Case(
        "dpo.rights.access_release",
        "POST",
        args=_p("access_draft"),
        expect={"dpo": 409},
        note="identity not verified: the page says why and links to the identity step",
    ),
    Case("dpo.rights.access_download", args=_p("access_released"), expect=DPO),
    Case("dpo.rights.erasure", args=_r, expect=DPO),
    Case(
        "dpo.rights.erasure",
        "POST",
        args=lambda w: {"request_id": w.erasure_request.id},
        data={"confirm": "y"},
        expect={"dpo": 303},
    ),
]
