from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from nestguard.access.rules import PUBLIC, access_rule

app_name = "api"

schema_view = access_rule(PUBLIC)(SpectacularAPIView.as_view())

urlpatterns = [
    path("schema/", schema_view, name="schema"),
]
