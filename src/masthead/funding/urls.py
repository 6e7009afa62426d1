from django.urls import path

from masthead.funding import views

app_name = "funding"

urlpatterns = [
    path("support/", views.support, name="support"),
    path("support/thanks/", views.thanks, name="thanks"),
    path("support/bar", views.bar_fragment, name="bar"),
    path("support/manage/<str:token>/", views.manage, name="manage"),
    path("webhooks/stripe/", views.stripe_webhook, name="stripe_webhook"),
]
