"""Meta-test (issue 17 stage c): one vocabulary of actions, ``portal.actions.Action``.

Route permissions (``permissions.ACTIONS``), the restriction allow-list and the checks it
answers (``participant_access.ensure_not_restricted``), and job kinds (``jobs.enqueue``,
``jobs.run_by_hand``, ``jobs.KINDS``, ``jobs.PERIODIC``) all name an ``Action``. A source
scan of portal/ and blueprints/ fails on a string given where an action is named, and
every member must be used somewhere, so the enum cannot rot.
"""

import ast
from pathlib import Path

from portal import jobs
from portal.access.participant_access import ALLOWED_WHILE_RESTRICTED
from portal.accounts import home
from portal.actions import Action
from portal.jobs import periodic_jobs
from portal.permissions import ACTIONS, API_TOKEN, PUBLIC
from portal.web import permission_of

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "portal").rglob("*.py"), *(ROOT / "blueprints").rglob("*.py")])

# The calls that name an action: function name -> (position of the action, its keyword).
NAMING_CALLS = {
    "requires": (0, "action"),
    "ensure_not_restricted": (1, "action"),
    "enqueue": (None, "kind"),
    "run_by_hand": (None, "kind"),
}


class NotAnAction(Exception):
    """An argument naming an action is not an ``Action.X`` (a string, say)."""


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _action_argument(call: ast.Call, position: int | None, keyword: str) -> ast.expr | None:
    for given in call.keywords:
        if given.arg == keyword:
            return given.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


def _enclosing_function(node: ast.AST, parents: dict) -> ast.AST | None:
    while node in parents:
        node = parents[node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node
    return None


def _members(expr: ast.expr, function) -> set[str]:
    """The ``Action`` members ``expr`` can be. Accepted: ``Action.X``; a conditional of
    those; a local name assigned only those; a parameter annotated ``Action`` (passed
    on: its callers are scanned too); a periodic job's ``p.name`` (each an Action:
    ``test_job_kinds_are_actions``). Anything else raises ``NotAnAction``."""
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "Action":
        if expr.attr not in Action.__members__:
            raise NotAnAction(f"Action.{expr.attr} does not exist")
        return {expr.attr}
    if isinstance(expr, ast.IfExp):
        return _members(expr.body, function) | _members(expr.orelse, function)
    if isinstance(expr, ast.Attribute) and expr.attr == "name" and isinstance(expr.value, ast.Name):
        return set()
    if isinstance(expr, ast.Name) and function is not None:
        arguments = function.args.args + function.args.kwonlyargs
        for argument in arguments:
            if argument.arg == expr.id:
                if isinstance(argument.annotation, ast.Name) and argument.annotation.id == "Action":
                    return set()
                raise NotAnAction(f"parameter {expr.id} is not annotated Action")
        values = [
            node.value
            for node in ast.walk(function)
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.id for t in node.targets)
        ]
        if values:
            return set().union(*(_members(value, function) for value in values))
    raise NotAnAction(ast.unparse(expr))


def _scan() -> tuple[list[str], set[str]]:
    """(every call naming an action with something other than an Action, the members
    named by restriction checks)."""
    bad, restriction_members = [], set()
    for path in SOURCES:
        tree = ast.parse(path.read_text(), filename=str(path))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call) or _called_name(call) not in NAMING_CALLS:
                continue
            name = _called_name(call)
            argument = _action_argument(call, *NAMING_CALLS[name])
            where = f"{path.relative_to(ROOT)}:{call.lineno} {name}"
            if argument is None:
                bad.append(f"{where}: names no action")
                continue
            try:
                found = _members(argument, _enclosing_function(call, parents))
            except NotAnAction as error:
                bad.append(f"{where}: {error}")
                continue
            if name == "ensure_not_restricted":
                restriction_members |= found
    return bad, restriction_members


def test_every_route_permission_is_an_action():
    strangers = [key for key in ACTIONS if not isinstance(key, Action)]
    assert not strangers, f"keys of permissions.ACTIONS that are not Actions: {strangers}"


def test_every_view_names_an_action(app):
    strangers = {}
    for rule in app.url_map.iter_rules():
        permission = permission_of(app, rule.endpoint)
        if permission not in (PUBLIC, API_TOKEN) and not isinstance(permission, Action):
            strangers[rule.endpoint] = permission
    assert not strangers, f"views whose permission is not an Action: {strangers}"


def test_the_restriction_allow_list_and_the_home_links_name_actions():
    assert all(isinstance(action, Action) for action in ALLOWED_WHILE_RESTRICTED)
    for action, *_ in home.GLOBAL_LINKS + home.ORG_LINKS:
        assert isinstance(action, Action) and action in ACTIONS, action


def test_job_kinds_are_actions():
    assert all(isinstance(kind, Action) for kind in jobs.KINDS)
    assert all(isinstance(p.name, Action) for p in periodic_jobs.PERIODIC)


def test_every_call_naming_an_action_passes_an_action():
    bad, _ = _scan()
    assert not bad, "give an Action (portal.actions), not a string:\n" + "\n".join(bad)


def test_an_action_is_the_string_stored_before():
    assert Action.CASE_NOTE_WRITE == "case_note.write"
    assert ACTIONS.get("case_note.write") is ACTIONS[Action.CASE_NOTE_WRITE]  # templates' can("...")
    assert f"{Action.RETENTION_DESTROY}" == str(Action.RETENTION_DESTROY) == "retention.destroy"


def test_every_action_is_used():
    _, restriction_members = _scan()
    used = (
        set(ACTIONS)
        | ALLOWED_WHILE_RESTRICTED
        | set(jobs.KINDS)
        | {p.name for p in periodic_jobs.PERIODIC}
        | {Action[name] for name in restriction_members}
    )
    unused = sorted(set(Action) - used)
    assert not unused, f"Actions nothing uses (remove them or use them): {unused}"
