from django.urls import include, path

from masthead.moderation.api import api
from masthead.moderation.views import public

reader_patterns = [
    path("moderation/report/<slug:key>/<int:object_id>/", public.report, name="report"),
    path("moderation/appeal/<slug:key>/<int:object_id>/", public.appeal, name="appeal"),
    path("account/my-data/", public.my_data, name="my_data"),
    path("account/my-data.json", public.my_data_download, name="my_data_download"),
    path("account/delete/", public.delete_account, name="delete_account"),
]

# The API keeps its own top-level namespace ("moderation_api"): django-ninja reverses its
# schema and docs URLs by it.
urlpatterns = [
    path("", include((reader_patterns, "moderation"))),
    path("api/moderation/", api.urls),
]
