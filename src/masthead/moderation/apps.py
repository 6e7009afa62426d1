from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "masthead.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from masthead.core import demo
        from masthead.moderation import checks  # noqa: F401  (registers the system checks)
        from masthead.moderation.demo import load

        demo.register("moderation", load, order=30)
