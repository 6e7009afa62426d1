from django.urls import include, path
from xtd_site.articles import views

urlpatterns = [
    path("articles/<slug:slug>/", views.article, name="article"),
    path("comments/", include("django_comments_xtd.urls")),
]
