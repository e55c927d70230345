"""Forms of the access and erasure pages. They parse; the services decide."""
from wtforms import BooleanField, HiddenField

from blueprints.consent.forms import _area, _submit
from blueprints.forms import BaseForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput


class BuildForm(BaseForm):
    submit = _submit("Build the access package")


class RedactForm(BaseForm):
    passage_key = HiddenField()
    reason = _area("Why is this passage withheld?",
                   description="For example, ‘About another person, who has not agreed to its release’")
    submit = _submit("Redact this passage")


class ReleaseForm(BaseForm):
    submit = _submit("Release the reviewed package")


class EraseForm(BaseForm):
    confirm = BooleanField("I have checked what will be erased and what is kept, and confirm the erasure",
                           widget=GovCheckboxInput())
    submit = _submit("Erase the participant’s data")
