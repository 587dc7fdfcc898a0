from django.urls import include, path

urlpatterns = [
    path("", include("nestguard.core.urls")),
    path("", include("nestguard.accounts.urls")),
    path("api/v1/", include("nestguard.api.urls")),
]
