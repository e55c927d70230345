from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from blueprints.common import SelectChoice
from blueprints.forms import BaseForm
from portal.referrals.contract_areas import area_problem


def organisation_choices(organisations) -> list[SelectChoice]:
    return [
        SelectChoice(str(org.id), f"{org.name} ({'lead partner' if org.kind == 'lead' else 'delivery partner'})")
        for org in organisations
    ]


class AddAreaForm(BaseForm):
    area = StringField(
        "Postcode area",
        widget=GovTextInput(),
        description="The 1 or 2 letters at the start of a postcode, like LS for Leeds or M for Manchester",
        validators=[InputRequired("Enter a postcode area, like LS or M")],
    )
    organisation = RadioField(
        "Which organisation delivers the service in this area?",
        widget=GovRadioInput(),
        choices=[],
        validate_choice=False,
        validators=[InputRequired("Select the organisation that delivers in this area")],
    )
    submit = SubmitField("Add postcode area", widget=GovSubmitInput())

    def validate_area(self, field):
        # Checked here as well as in the service, so that every error shows at once.
        problem = area_problem(field.data)
        if problem:
            raise ValidationError(problem)


class ChangeAreaForm(BaseForm):
    organisation = RadioField(
        "Which organisation delivers the service in this area?",
        widget=GovRadioInput(),
        choices=[],
        validate_choice=False,
        validators=[InputRequired("Select the organisation that delivers in this area")],
    )
    submit = SubmitField("Save change", widget=GovSubmitInput())


class RemoveAreaForm(BaseForm):
    submit = SubmitField("Remove postcode area", widget=GovSubmitInput())
