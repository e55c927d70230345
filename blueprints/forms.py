"""The base of every form: Flask-WTF, so each carries a CSRF token."""
from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    pass
