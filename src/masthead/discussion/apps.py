from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "masthead.discussion"
    label = "discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from masthead.core import demo, slots
        from masthead.discussion import demo as discussion_demo
        from masthead.discussion import (
            events,
            moderation,  # noqa: F401  (registers comments with moderation)
        )
        from masthead.discussion import slots as discussion_slots
        from masthead.discussion.embed import wagtail_hooks  # noqa: F401  (embedding sites model and admin)

        slots.register("article_discussion", discussion_slots.article_discussion, order=10)
        slots.register("article_meta", discussion_slots.article_meta, order=20)
        slots.register("head", discussion_slots.head, order=20)
        demo.register("discussion", discussion_demo.load, order=20)
        post_save.connect(
            events.settings_changed,
            sender="discussion.DiscussionSettings",
            dispatch_uid="discussion.settings",
        )
