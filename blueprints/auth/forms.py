from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired

from blueprints.forms import BaseForm


class LoginForm(BaseForm):
    email = StringField("Email address", widget=GovTextInput(), validators=[InputRequired("Enter your email address")])
    password = PasswordField("Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password")])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class CodeForm(BaseForm):
    code = StringField(
        "Security code",
        widget=GovTextInput(),
        description="The 6-digit code from your authenticator app",
        validators=[InputRequired("Enter the security code")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class SignOutForm(BaseForm):
    pass
