"""Forms of the access and erasure pages. They parse; the services decide."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput
from wtforms import BooleanField, HiddenField

from blueprints.consent.forms import area_field, submit_button
from blueprints.forms import BaseForm


class BuildForm(BaseForm):
    submit = submit_button("Build the access package")


class RedactForm(BaseForm):
    passage_key = HiddenField()
    reason = area_field(
        "Why is this passage withheld?",
        description="For example, ‘About another person, who has not agreed to its release’",
    )
    submit = submit_button("Redact this passage")


class ReleaseForm(BaseForm):
    submit = submit_button("Release the reviewed package")


class EraseForm(BaseForm):
    confirm = BooleanField(
        "I have checked what will be erased and what is kept, and confirm the erasure", widget=GovCheckboxInput()
    )
    submit = submit_button("Erase the participant’s data")
