from django.urls import path

from masthead.discussion.embed import views

app_name = "discussion_embed"

urlpatterns = [
    path("frame", views.frame_view, name="frame"),
    path("signin", views.signin_view, name="signin"),
    path("handoff", views.handoff_view, name="handoff"),
    path("<int:thread_id>/comment", views.post_view, name="post"),
    path("comment/<int:comment_id>/vote", views.vote_view, name="vote"),
]
