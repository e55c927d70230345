"""The house plan's rules that can be read off the source (issue 17): routes call
services and render; a service call is one unit of work, so no blueprint commits, rolls
back or writes an audit event itself."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_ROUTES = {
    ("session", "commit"),
    ("session", "rollback"),
    ("audit", "record"),
    ("audit", "record_and_commit"),
}
# The one exception left: the shared form-error helper still rolls back whatever a service
# changed before raising its Problems (issue 17 stage c: services are to roll back
# themselves, then this goes).
EXCEPTIONS = {"blueprints/common.py"}


def _calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            yield node.lineno, name, node.func.attr


def test_no_blueprint_commits_rolls_back_or_audits():
    found = []
    for path in sorted((ROOT / "blueprints").rglob("*.py")):
        if str(path.relative_to(ROOT)) in EXCEPTIONS:
            continue
        for line, owner, attr in _calls(ast.parse(path.read_text(), str(path))):
            if (owner, attr) in FORBIDDEN_IN_ROUTES:
                found.append(f"{path.relative_to(ROOT)}:{line} {owner}.{attr}")
    assert not found, "routes must leave the unit of work to the service:\n" + "\n".join(found)
