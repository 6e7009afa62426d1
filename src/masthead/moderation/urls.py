from django.urls import path

from masthead.moderation.api import api
from masthead.moderation.views import public

app_name = "moderation"

urlpatterns = [
    path("moderation/report/<slug:key>/<int:object_id>/", public.report, name="report"),
    path("moderation/appeal/<slug:key>/<int:object_id>/", public.appeal, name="appeal"),
    path("account/my-data/", public.my_data, name="my_data"),
    path("account/my-data.json", public.my_data_download, name="my_data_download"),
    path("account/delete/", public.delete_account, name="delete_account"),
    path("api/moderation/", api.urls),
]
