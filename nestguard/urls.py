from django.urls import include, path

urlpatterns = [
    path("", include("nestguard.core.urls")),
    path("", include("nestguard.accounts.urls")),
    path("referrals/", include("nestguard.referrals.urls")),
    path("cases/", include("nestguard.cases.urls")),
    path("risk/", include("nestguard.risk.urls")),
    path("people/", include("nestguard.people.urls")),
    path("addresses/", include("nestguard.places.urls")),
    path("person-index/", include("nestguard.linkage.urls")),
    path("audit/", include("nestguard.audit.urls")),
    path("enforcement/", include("nestguard.enforcement.urls")),
    path("panels/", include("nestguard.panels.urls")),
    path("jobs/", include("nestguard.jobs.urls")),
    path("", include("nestguard.pathways.urls")),
    # The reports at /reports/ and the dashboard at /dashboard/ (decisions 0089 and 0093).
    path("", include("nestguard.reporting.urls")),
    path("api/v1/", include("nestguard.api.urls")),
    path("prevention/", include("nestguard.prevention.urls")),
    path("network/", include("nestguard.network.urls")),
    path("operations/", include("nestguard.operations.urls")),
    path("", include("nestguard.notifications.urls")),
]
