"""Page helpers shared by every blueprint: a service's problems onto a form, the
form → service → flash → redirect flow, and the fields and choices forms share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, NamedTuple

from flask import flash, redirect
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from werkzeug.wrappers import Response
from wtforms import DateField

from portal import clock
from portal.extensions import db
from portal.validation import Problems

if TYPE_CHECKING:

    class SelectChoice(NamedTuple):
        """WTForms 3.3's choice, as the checker sees it: types-WTForms describes WTForms 3.2, which has
        no SelectChoice and types a choice as the (value, label) tuple that 3.3 deprecates."""

        value: str
        label: str
else:
    from wtforms.fields.choices import SelectChoice


def show_problems(form: FlaskForm, problems: Problems) -> None:
    """Put a service's problems on the form's fields (GOV.UK error summary and
    messages); nothing half-done is kept."""
    db.session.rollback()
    for problem in problems.problems:
        field = getattr(form, problem.field or "", None)
        if field is None:
            field = next(iter(f for f in form if f.name != "csrf_token"))
        field.errors = list(field.errors or []) + [problem.message]


def submit_form(
    form: FlaskForm,
    call: Callable[[], object],
    done: str,
    to: str,
    refusals: Iterable[tuple[type[Exception], Callable[[Exception], str]]] = (),
    code: int = 302,
) -> Response | None:
    """The flow of every form page: on a valid POST call the service; its problems go
    onto the form's fields, a refusal named in ``refusals`` (exception class → message)
    onto the submit button; on success flash ``done`` and redirect to ``to``.
    None means: show the form (again, with its errors and the user's input kept)."""
    if not form.validate_on_submit():
        return None
    try:
        call()
    except Problems as problems:
        show_problems(form, problems)
        return None
    except Exception as error:
        for kind, message in refusals:
            if isinstance(error, kind):
                db.session.rollback()
                form.submit.errors = [message(error)]
                return None
        raise
    flash(done, "success")
    return redirect(to, code=code)


def options(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class GovDateField(DateField):
    """Day, month and year boxes; empty boxes are no date (the service says what is
    missing), impossible dates an error in the GOV.UK style."""

    widget = GovDateInput()

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, format="%d %m %Y", **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        # The widget shows exactly three boxes, whatever a crafted request sent.
        self.raw_data = (list(valuelist or []) + ["", "", ""])[:3]
        if not valuelist or not "".join(v.strip() for v in valuelist):
            self.data = None
            return
        try:
            self.data = datetime.strptime(" ".join(v.strip() for v in valuelist), "%d %m %Y").date()
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date") from None


def local_datetime(day: date | None, time_text: str) -> datetime | None:
    """A date and a typed 24-hour time in Europe/London, as a UTC time; None when
    either is missing or the time is not real (the service then says so)."""
    if day is None:
        return None
    text = (time_text or "").strip().replace(".", ":")
    try:
        moment = time.fromisoformat(text if len(text) > 2 else f"{text}:00")
    except ValueError:
        return None
    return clock.as_utc(datetime.combine(day, moment, tzinfo=clock.LONDON))
