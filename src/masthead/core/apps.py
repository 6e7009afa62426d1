from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "masthead.core"
    label = "core"
    verbose_name = "Masthead core"

    def ready(self) -> None:
        from masthead.core import periodic, ratelimit

        periodic.register("core.ratelimit_expired", ratelimit.delete_expired, every_seconds=600)
