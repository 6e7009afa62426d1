from django.urls import include, path

from masthead.discussion import views
from masthead.discussion.api import api

pages = [
    path("c/<int:comment_id>", views.permalink, name="permalink"),
    path("discussion/<int:thread_id>/", views.thread_view, name="thread"),
    path("discussion/<int:thread_id>/comment", views.post_view, name="post"),
    path("discussion/<int:thread_id>/sort", views.sort_view, name="sort"),
    path("discussion/<int:thread_id>/events", views.events_view, name="events"),
    path("discussion/<int:thread_id>/state", views.thread_state_view, name="state"),
    path("discussion/comment/<int:comment_id>/replies", views.replies_view, name="replies"),
    path("discussion/comment/<int:comment_id>/reply", views.reply_view, name="reply"),
    path("discussion/comment/<int:comment_id>/edit", views.edit_view, name="edit"),
    path("discussion/comment/<int:comment_id>/delete", views.delete_view, name="delete"),
    path("discussion/comment/<int:comment_id>/vote", views.vote_view, name="vote"),
    path("discussion/unsubscribe/<str:token>", views.unsubscribe_view, name="unsubscribe"),
]

# The API keeps its own top-level namespace: ninja's docs page reverses "discussion_api:…".
urlpatterns = [
    path("", include((pages, "discussion"))),
    path("api/discussion/", api.urls),
    path("discussion/embed/", include("masthead.discussion.embed.urls")),
]
