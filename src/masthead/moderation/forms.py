from __future__ import annotations

from django import forms

from masthead.moderation import registry
from masthead.moderation.models import ModerationMode, Phrase, Report, Sanction


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Report.Reason.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label="Anything moderators should know",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you choose “Something else”.",
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("reason") == Report.Reason.OTHER and not (data.get("text") or "").strip():
            self.add_error("text", "Tell us what is wrong with it.")
        return data


class AppealForm(forms.Form):
    text = forms.CharField(
        label="Why should the decision be reconsidered?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(label="Your password", widget=forms.PasswordInput, strip=False)
    confirm = forms.BooleanField(label="I understand that my account and what I wrote are deleted for good.")

    def __init__(self, *args, user, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class IdListField(forms.Field):
    """Object ids from checkboxes (``ids=3&ids=7``); which exist is the service's business."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([] if value in (None, "") else [value])
        if len(values) > 200:
            raise forms.ValidationError("At most 200 items at once.")
        if not all(str(item).isdigit() for item in values):
            raise forms.ValidationError("Not an item id.")
        return [int(str(item)) for item in values]

    def validate(self, value: list[int]) -> None:
        if not value:
            raise forms.ValidationError("Select at least one item.")


class DecisionForm(forms.Form):
    key = forms.CharField(max_length=40)
    ids = IdListField()
    decision = forms.ChoiceField(choices=[(decision, decision) for decision in registry.DECISIONS])
    reason = forms.CharField(required=False, max_length=1000)
    text = forms.CharField(required=False, max_length=20000)


class PhraseForm(forms.Form):
    kind = forms.ChoiceField(choices=Phrase.Kind.choices)
    lines = forms.CharField(
        label="Words or phrases, one per line", widget=forms.Textarea(attrs={"rows": 6}), max_length=200_000
    )


class SanctionForm(forms.Form):
    email = forms.EmailField(label="Reader's email")
    kind = forms.ChoiceField(choices=Sanction.Kind.choices)
    days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, help_text="For a suspension; empty means no end."
    )
    reason = forms.CharField(max_length=500)


class DomainBanForm(forms.Form):
    domain = forms.CharField(max_length=253, help_text="e.g. spam-mail.example")
    reason = forms.CharField(max_length=500, required=False)


class DiscussionForm(forms.Form):
    page = forms.IntegerField(widget=forms.HiddenInput)
    state = forms.ChoiceField(
        choices=[("open", "Open"), ("closed", "Closed to new comments"), ("hidden", "Hidden")]
    )
    reason = forms.CharField(max_length=500, required=False)


class ModeForm(forms.Form):
    page = forms.IntegerField(required=False, widget=forms.HiddenInput)
    site = forms.IntegerField(required=False, widget=forms.HiddenInput)
    mode = forms.ChoiceField(choices=[("", "Inherit"), *ModerationMode.choices], required=False)


class AppealDecisionForm(forms.Form):
    grant = forms.TypedChoiceField(choices=[("1", "Grant"), ("0", "Deny")], coerce=lambda value: value == "1")
    reply = forms.CharField(required=False, max_length=2000)


class AuditFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    action = forms.CharField(required=False, max_length=40)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
