from django.urls import path

from nestguard.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/security-code/", views.verify, name="verify"),
    path("sign-in/set-up-authenticator/", views.enrol, name="enrol"),
    path("sign-out/", views.sign_out, name="sign_out"),
]

from nestguard.accounts import partnership_views  # noqa: E402

urlpatterns += [
    path("partnership/", partnership_views.partnership, name="partnership"),
    path("partnership/agreements/new/", partnership_views.agreement_new, name="agreement_new"),
    path(
        "partnership/agreements/<uuid:pk>/end/",
        partnership_views.agreement_end,
        name="agreement_end",
    ),
]

from nestguard.accounts import people_views  # noqa: E402

urlpatterns += [
    path("partnership/users/<uuid:pk>/", people_views.user_detail, name="user_detail"),
    path("partnership/users/<uuid:pk>/roles/", people_views.user_role_add, name="user_role_add"),
    path(
        "partnership/users/<uuid:pk>/roles/<str:role>/remove/",
        people_views.user_role_remove,
        name="user_role_remove",
    ),
    path(
        "partnership/users/<uuid:pk>/<slug:action>/", people_views.user_action, name="user_action"
    ),
    path("partnership/agencies/<uuid:pk>/", people_views.agency_detail, name="agency_detail"),
    path(
        "partnership/agencies/<uuid:pk>/<slug:action>/",
        people_views.agency_action,
        name="agency_action",
    ),
]
