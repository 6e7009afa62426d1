from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "masthead.funding"
    label = "funding"
    verbose_name = "Reader funding"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from masthead.core import demo, periodic, slots
        from masthead.funding import bar, checks, services, signals  # noqa: F401 - registers checks and signals
        from masthead.funding.demo import load

        slots.register("page_top", bar.page_top, order=10)
        slots.register("article_end", bar.article_end, order=10)
        slots.register("head", bar.stylesheet, order=40)
        periodic.register(
            "funding.campaigns_roll_over", lambda: services.campaigns_roll_over(), every_seconds=600
        )
        demo.register("funding", load, order=40)
