"""The base of every form: Flask-WTF, so each carries a CSRF token, and the forms'
boundary for hostile input (DESIGN.md rule 11, ``portal.hostile_input``).

Before any field's validators run, every value a form received is checked: NUL and
other control characters are refused with a field error on that field (its input
kept), tab and newline only in textareas, whose CRLF line endings become LF. Single-line
fields are also held to ``SHORT_FIELD_MAX`` characters unless they declare a
``Length`` of their own, so a 10 kB paste is a field error, never a database error.
"""

from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from wtforms import FieldList, FormField, PasswordField, StringField, TextAreaField
from wtforms.validators import Length

from portal import hostile_input

SHORT_FIELD_MAX = 500  # single-line text: longer than any column it is stored in
FREE_TEXT_MAX = 50_000  # textareas: a long case note, not a 10 MB paste


def _leaves(form):
    for field in form:
        if isinstance(field, FormField):
            yield from _leaves(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    yield from _leaves(entry.form)
                else:
                    yield entry
        else:
            yield field


def _declared_max(field) -> int | None:
    maxima = [v.max for v in field.validators if isinstance(v, Length) and v.max is not None and v.max >= 0]
    return min(maxima) if maxima else None


def _label(field) -> str:
    return field.label.text if field.label is not None else field.name


def hostile_problem(field) -> str | None:
    """The field error for a value this field must refuse before anything reads it
    (an uploaded file's name included: it is stored as text)."""
    names = [v.filename for v in (field.raw_data or []) if isinstance(v, FileStorage) and v.filename]
    if any(hostile_input.has_forbidden(name) for name in names):
        return (
            f"The name of the file you chose for {_label(field).lower()} has characters that are not allowed: rename it"
        )
    values = [v for v in (field.raw_data or []) if isinstance(v, str)]
    if not values:
        return None
    free_text = isinstance(field, TextAreaField)
    if any(hostile_input.has_forbidden(v, free_text=free_text) for v in values):
        return hostile_input.field_message(_label(field), free_text=free_text)
    if isinstance(field, (StringField, PasswordField)):
        limit = _declared_max(field) or (FREE_TEXT_MAX if free_text else SHORT_FIELD_MAX)
        if any(len(hostile_input.normalise_newlines(v).strip()) > limit for v in values):
            return f"{_label(field)} must be {limit:,} characters or fewer"
    return None


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, TextAreaField):
                options = dict(options)
                options["filters"] = (hostile_input.normalise_newlines, *unbound_field.kwargs.get("filters", ()))
            return unbound_field.bind(form=form, **options)

    def validate(self, extra_validators=None):
        """Hostile values first: a field holding one shows that error alone and nothing
        else of the form is validated (no validator or lookup ever sees the value)."""
        refused = []
        for field in _leaves(self):
            problem = hostile_problem(field)
            if problem:
                field.errors = [problem]
                refused.append(field)
        if refused:
            for field in _leaves(self):
                if field not in refused:
                    field.errors = []
            self.form_errors = []
            hostile_input.audit_refusal("form", [field.name for field in refused])
            return False
        return super().validate(extra_validators)
