from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker.auth.passwords import MIN_PASSWORD_LENGTH
from tracker.forms import no_control_characters


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email."), Length(max=254),
                                            no_control_characters])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."),
                                                     Length(max=256)])
    next = StringField()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password",
                                     validators=[DataRequired("Enter your current password.")])
    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password."), Length(min=MIN_PASSWORD_LENGTH,
                    max=256, message=f"Use between {MIN_PASSWORD_LENGTH} and 256 characters.")],
        description=f"At least {MIN_PASSWORD_LENGTH} characters; a passphrase is easiest.",
    )
    confirm_password = PasswordField(
        "Repeat the new password",
        validators=[DataRequired("Repeat the new password."),
                    EqualTo("new_password", "The two passwords differ.")],
    )
