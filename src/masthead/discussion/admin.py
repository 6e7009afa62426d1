from django.contrib import admin

from masthead.discussion.models import ClosingRule, Thread


@admin.register(ClosingRule)
class ClosingRuleAdmin(admin.ModelAdmin):
    list_display = ["page", "close_after_days"]
    raw_id_fields = ["page"]


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    """Read-mostly: states change through the moderation screens or the thread state view."""

    list_display = ["__str__", "state", "comment_count", "closes_at", "created_at"]
    list_filter = ["state"]
    readonly_fields = ["page", "url", "comment_count", "top_level_count", "last_comment_id", "created_at"]
    fields = ["title", "state", "closes_at", *readonly_fields]
