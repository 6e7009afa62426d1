"""Comments, as moderation sees them: registered with moderation's registry on start-up.

Owned by the moderation app (it is moderation's adapter living beside the model it
adapts): every decision goes through discussion's own services, so counts, tombstones,
cache purges and live updates stay discussion's business.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from masthead.discussion import events
from masthead.discussion.models import Comment, CommentRevision, CommentStatus, Thread, ThreadState
from masthead.discussion.rendering import normalise_source, render_markdown
from masthead.discussion.services import (
    comment_set_featured,
    comment_set_status,
    thread_for_page,
    thread_set_state,
)
from masthead.discussion.services.comments import ALLOWED_TRANSITIONS
from masthead.moderation import registry

S = CommentStatus
_STATUS_FOR = {
    "approve": S.VISIBLE,
    "restore": S.VISIBLE,
    "reject": S.REJECTED,
    "remove": S.REMOVED,
    "hide": S.HIDDEN,
    "hold": S.PENDING,
}


class CommentModeration(registry.ModeratedType):
    key = "comment"
    label = "comment"
    model = Comment
    author_field = "author"
    page_field = "thread__page"
    created_field = "created_at"
    status_field = "status"
    states = {
        "pending": (S.PENDING,),
        "approved": (S.VISIBLE,),
        "rejected": (S.REJECTED,),
        "removed": (S.REMOVED, S.DELETED),
        "hidden": (S.HIDDEN,),
    }
    handles_discussions = True

    def queryset(self) -> Any:
        return Comment.objects.select_related("author", "thread__page")

    def describe(self, obj: Comment, request: Any = None) -> registry.Item:
        page = obj.thread.page if obj.thread.page_id else None
        base = (page.get_url(request) or "") if page is not None else (obj.thread.url or "")
        return registry.Item(
            key=self.key,
            object_id=obj.pk,
            text=obj.body_source,
            author=obj.author,
            page=page,
            link=f"{base}#comment-{obj.pk}" if base else "",
            created=obj.created_at,
            state=self.state_of(obj),
            status=obj.status,
            reasons=[obj.status_reason] if obj.status_reason else list(obj.moderation_reasons or []),
            featured=obj.featured,
            obj=obj,
        )

    def apply(self, *, obj: Comment, decision: str, actor: Any, reason: str = "", text: str = "") -> None:
        try:
            if decision in _STATUS_FOR:
                comment_set_status(comment=obj, status=_STATUS_FOR[decision], actor=actor, reason=reason)
            elif decision in {"feature", "unfeature"}:
                comment_set_featured(comment=obj, featured=decision == "feature", actor=actor)
            elif decision == "edit":
                self._edit(obj, text)
            else:
                raise ValueError(f"Comments cannot be {decision}d")
        except (ValidationError, PermissionDenied) as error:
            raise ValueError(" ".join(getattr(error, "messages", [str(error)]))) from error

    def _edit(self, obj: Comment, text: str) -> None:
        # A moderator's edit (say, to cut a libellous sentence) keeps the author's text as a revision.
        body = normalise_source(text)
        if not body:
            raise ValueError("An edited comment cannot be empty.")
        with transaction.atomic():
            locked = Comment.objects.select_for_update().select_related("thread").get(pk=obj.pk)
            CommentRevision.objects.create(
                comment=locked, body_source=locked.body_source, created_at=timezone.now()
            )
            locked.body_source, locked.body_html = body, render_markdown(body)
            locked.save(update_fields=["body_source", "body_html"])
            events.page_changed(locked.thread)

    def export(self, obj: Comment) -> dict[str, Any]:
        return {
            "id": obj.pk,
            "article": obj.thread.page.title if obj.thread.page is not None else obj.thread.url,
            "in_reply_to": obj.parent_id,
            "text": obj.body_source,
            "status": obj.status,
            "status_reason": obj.status_reason,
            "created_at": obj.created_at.isoformat(),
            "edited_at": obj.edited_at.isoformat() if obj.edited_at else None,
            "upvotes": obj.upvotes,
            "downvotes": obj.downvotes,
        }

    def erase_author(self, *, user: Any) -> int:
        """Deleted tombstones where others replied; every other comment of theirs goes."""
        count = 0
        for comment in Comment.objects.filter(author=user).select_related("thread").order_by("-depth", "-id"):
            if comment.status != S.DELETED and S.DELETED in ALLOWED_TRANSITIONS[comment.status]:
                comment = comment_set_status(comment=comment, status=S.DELETED, actor=user)
            if Comment.objects.filter(parent=comment).exists():
                Comment.objects.filter(pk=comment.pk).update(body_source="", body_html="", status=S.DELETED)
            else:
                comment.delete()
            count += 1
        return count

    def discussion_state(self, *, page: Any) -> str:
        thread = Thread.objects.filter(page_id=page.pk).only("state").first()
        return thread.state if thread is not None else ThreadState.OPEN

    def discussion_set_state(self, *, page: Any, state: str, actor: Any) -> None:
        try:
            thread_set_state(thread=thread_for_page(page=page), state=state, actor=actor)
        except (ValidationError, PermissionDenied) as error:
            raise ValueError(" ".join(getattr(error, "messages", [str(error)]))) from error


registry.register(CommentModeration())
