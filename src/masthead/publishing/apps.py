from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "masthead.publishing"
    label = "publishing"

    def ready(self) -> None:
        from masthead.core import demo, periodic
        from masthead.publishing import demo as publishing_demo
        from masthead.publishing import signals, tasks

        signals.connect()
        periodic.register("publishing.publish_scheduled", tasks.publish_scheduled, every_seconds=60)
        demo.register("publishing", publishing_demo.load, order=10)
