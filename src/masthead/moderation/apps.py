from django.apps import AppConfig
from django.db import transaction


class ModerationConfig(AppConfig):
    name = "masthead.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from masthead.core import demo
        from masthead.moderation import checks  # noqa: F401  (registers the system checks)
        from masthead.moderation.demo import load

        demo.register("moderation", load, order=30)
        self._clear_caches_on_change()

    def _clear_caches_on_change(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Site
        from wagtail.signals import post_page_move

        from masthead.moderation.models import ModerationSetting, Sanction
        from masthead.moderation.selectors import mode_settings_changed, sanction_caches_changed

        def changed(**kwargs: object) -> None:
            # Cleared now and again after commit: a reader between the two could cache the old rows.
            mode_settings_changed()
            transaction.on_commit(mode_settings_changed)

        def sanctions_changed(**kwargs: object) -> None:
            # The services clear these too; this catches sanctions made any other way (admin, shell).
            sanction_caches_changed()
            transaction.on_commit(sanction_caches_changed)

        # The cached settings hold tree paths: a moved page or a site's new root changes them.
        for model in (ModerationSetting, Site):
            post_save.connect(
                changed, sender=model, weak=False, dispatch_uid=f"moderation-modes-{model.__name__}"
            )
            post_delete.connect(
                changed, sender=model, weak=False, dispatch_uid=f"moderation-modes-del-{model.__name__}"
            )
        post_page_move.connect(changed, weak=False, dispatch_uid="moderation-modes-move")
        post_save.connect(sanctions_changed, sender=Sanction, weak=False, dispatch_uid="moderation-sanctions")
        post_delete.connect(
            sanctions_changed, sender=Sanction, weak=False, dispatch_uid="moderation-sanctions-del"
        )
