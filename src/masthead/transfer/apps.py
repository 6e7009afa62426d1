from django.apps import AppConfig


class TransferConfig(AppConfig):
    """Moving a newsroom in (WordPress, Disqus) and out (JSON Lines, WXR)."""

    name = "masthead.transfer"
    label = "transfer"
