from django import forms
from django.http import HttpRequest

from masthead.accounts.models import User


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    display_name = forms.CharField(
        max_length=60,
        label="Display name",
        help_text="Shown beside your comments. Any script is fine.",
    )

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError("Please choose a display name.")
        if any(ord(char) < 32 for char in name):
            raise forms.ValidationError("The name contains control characters.")
        return name

    def signup(self, request: HttpRequest, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])
