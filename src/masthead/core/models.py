from django.db import models


class RateCount(models.Model):
    """One rate-limit window's count for one key, when there is no Redis.

    ``name`` holds the scope, the key and the window (``rl:<scope>:<key>:<window>``), so a
    new window starts a new row; rows past ``expires_at`` (Unix time) are deleted by a
    periodic job. Written by one upsert per hit (``masthead.core.ratelimit``).
    """

    name = models.CharField(max_length=250, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.FloatField(db_index=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.count}"
