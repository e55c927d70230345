"""The route registry: per endpoint, sample arguments and the expected answer per role.

Every rule of ``app.url_map`` must have at least one ``Case`` here (for each of its
methods, HEAD and OPTIONS aside), or ``tests/core/test_route_matrix.py`` fails: a new
route is covered the day it is added. Each area keeps its cases in a module of this
package (``tests/registry/<area>.py``) defining ``CASES`` and, if it needs records in
the world, appending a builder to ``WORLD_BUILDERS``.

Roles of the matrix (``ROLES``): each is a user of the ``home`` organisation (h2e, a
delivery partner) unless said otherwise:

- ``anonymous``: not signed in;
- ``vrc``, ``other_vrc``: two VRCs of h2e (``vrc`` is assigned the world's participants);
- ``team_manager``, ``ooh``, ``admin``: of h2e;
- ``ooh_lead``: an ``ooh`` worker of ingeus (not a member of h2e);
- ``dpo``, ``contract_manager``, ``lead_admin``: of ingeus (the lead partner);
- ``dwp``: of the commissioner.

Expected answers: ``expect`` maps role → status code; roles not named take ``default``.
Anonymous users default to 302 (to /login) on pages and 401 on the API. For every
``/<org>/`` case the matrix also builds the URL for another organisation (salus), where
every signed-in role must get 404.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

ROLES = (
    "anonymous",
    "vrc",
    "other_vrc",
    "team_manager",
    "ooh",
    "ooh_lead",
    "admin",
    "dpo",
    "contract_manager",
    "lead_admin",
    "dwp",
)


@dataclass
class Case:
    endpoint: str
    method: str = "GET"
    # URL arguments: a dict, or a function of the world returning one. "org" defaults to h2e.
    args: dict | Callable = field(default_factory=dict)
    # Form data for POST (the CSRF token is added): a dict or a function of the world.
    data: dict | Callable | None = None
    json: dict | Callable | None = None
    headers: dict | None = None
    public: bool = False
    expect: dict = field(default_factory=dict)
    default: int = 403
    # Checked for every role that gets a 303: where it must lead.
    see_other_to: str | None = None
    note: str = ""

    def expected(self, role: str, api: bool) -> int:
        if role in self.expect:
            return self.expect[role]
        if role == "anonymous" and not self.public:
            return 401 if api else 302
        return self.default


# Functions (world) -> None that add an area's records to the world namespace.
WORLD_BUILDERS: list[Callable] = []


def all_cases() -> list[Case]:
    cases = []
    for module in pkgutil.iter_modules(__path__):
        mod = importlib.import_module(f"{__name__}.{module.name}")
        cases.extend(getattr(mod, "CASES", []))
    return cases


def value_of(spec, world):
    """A case's args, data or json: as given, or computed from the world."""
    return spec(world) if callable(spec) else spec


def case_url(app, case: Case, world, org: str | None = None) -> str:
    """The URL of ``case`` in ``world``; ``/<org>/`` URLs name ``org`` (default: the
    case's own, else the world's home organisation)."""
    from flask import url_for

    args = dict(value_of(case.args, world) or {})
    rule = next(app.url_map.iter_rules(case.endpoint))
    if "org" in rule.arguments:
        if org is not None:
            args["org"] = org
        else:
            args.setdefault("org", world.home.slug)
    with app.test_request_context():
        return url_for(case.endpoint, **args)


def new_world() -> SimpleNamespace:
    return SimpleNamespace()
