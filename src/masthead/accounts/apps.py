from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "masthead.accounts"
    label = "accounts"

    def ready(self) -> None:
        from masthead.accounts.sessions import SessionStore
        from masthead.core import periodic

        # Django leaves expired sessions in the table until `clearsessions` runs; the app
        # servers run it themselves (one process an hour, periodic's lock).
        periodic.register("accounts.sessions_expired", SessionStore.clear_expired, every_seconds=3600)
