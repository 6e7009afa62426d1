from __future__ import annotations

import secrets

from django import forms
from django.conf import settings


def new_client_token() -> str:
    return secrets.token_urlsafe(24)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="*emphasis*, **strong**, [links](https://…), > quotes and `code` work.",
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    # One token per rendered form: a double submit finds the comment the first one made.
    client_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    notify_replies = forms.BooleanField(required=False, label="Email me when someone replies")
    # A honeypot: hidden from people (CSS, aria-hidden wrapper, out of the tab order), filled
    # by bots. Moderation's screening decides what a filled one means.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, guest: bool = False, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("initial", {}).setdefault("client_token", new_client_token())
        super().__init__(*args, **kwargs)
        # Built here, not at import, so the limit follows the (test-overridable) setting.
        self.fields["body"] = forms.CharField(
            label="Your comment",
            max_length=settings.DISCUSSION_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text=self.fields["body"].help_text,
        )
        if guest:
            self.fields["guest_name"] = forms.CharField(label="Your name", max_length=60)
            del self.fields["notify_replies"]


class EditForm(forms.Form):
    body = forms.CharField(label="Your comment", widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["body"] = forms.CharField(
            label="Your comment",
            max_length=settings.DISCUSSION_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 6}),
        )
