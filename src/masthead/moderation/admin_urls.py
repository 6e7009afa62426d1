from django.urls import path

from masthead.moderation.views import tools, workspace

app_name = "moderation_admin"

urlpatterns = [
    path("", workspace.queue, name="queue"),
    path("decide/", workspace.decide, name="decide"),
    path("item/<slug:key>/<int:object_id>/", workspace.item, name="item"),
    path("author/<int:user_id>/", workspace.author, name="author"),
    path("appeals/<int:appeal_id>/", workspace.appeal_decide, name="appeal_decide"),
    path("lists/", tools.word_lists, name="lists"),
    path("lists/<int:phrase_id>/remove/", tools.word_list_remove, name="list_remove"),
    path("sanctions/", tools.sanctions, name="sanctions"),
    path("sanctions/<int:sanction_id>/revoke/", tools.sanction_revoke, name="sanction_revoke"),
    path("sanctions/domains/", tools.domain_ban, name="domain_ban"),
    path("sanctions/domains/<int:domain_id>/remove/", tools.domain_unban, name="domain_unban"),
    path("discussions/", tools.discussions, name="discussions"),
    path("discussions/state/", tools.discussion_state, name="discussion_state"),
    path("discussions/mode/", tools.mode_set, name="mode_set"),
    path("audit/", tools.audit, name="audit"),
]
