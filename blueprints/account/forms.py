from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Regexp

from blueprints.forms import BaseForm

NEW_PASSWORD_HINT = "At least 12 characters. Three or four unrelated words work well."


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Current password", widget=GovPasswordInput(), validators=[InputRequired("Enter your current password")]
    )
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=NEW_PASSWORD_HINT,
        validators=[InputRequired("Enter a new password")],
    )
    confirm = PasswordField(
        "Confirm your new password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter the new password again")],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ForgotPasswordForm(BaseForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        description="The email address you sign in with",
        validators=[
            InputRequired("Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            # The format only: the address is looked up, never validated
            # against DNS (accounts may use reserved test domains).
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message="Enter an email address in the correct format, like name@example.com",
            ),
        ],
    )
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class ResetPasswordForm(BaseForm):
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=NEW_PASSWORD_HINT,
        validators=[InputRequired("Enter a new password")],
    )
    confirm = PasswordField(
        "Confirm your new password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter the new password again")],
    )
    submit = SubmitField("Set new password", widget=GovSubmitInput())


class EnrolForm(BaseForm):
    code = StringField(
        "Security code",
        widget=GovTextInput(),
        description="The 6-digit code your authenticator app now shows for this account",
        validators=[InputRequired("Enter the security code")],
    )
    submit = SubmitField("Finish and sign in", widget=GovSubmitInput())
