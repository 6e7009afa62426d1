from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("", include("masthead.core.urls")),
    path("", include("masthead.accounts.urls")),
    path("", include("masthead.discussion.urls")),
    path("", include("masthead.moderation.urls")),
    path("", include("masthead.funding.urls")),
    path("", include("masthead.publishing.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Wagtail's page tree answers every path nothing above claimed, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
