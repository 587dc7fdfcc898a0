from django.urls import path

from nestguard.rights import views

app_name = "rights"

urlpatterns = [
    path("", views.index, name="index"),
    path("people/<uuid:pk>/", views.person, name="person"),
    path("people/<uuid:pk>/requests/new/", views.request_new, name="request_new"),
    path("people/<uuid:pk>/access/", views.access_report, name="access_report"),
    path("subject-access/<uuid:pk>/", views.sar_detail, name="sar_detail"),
    path("packs/<uuid:pk>/<str:kind>/", views.pack_download, name="pack_download"),
    path("requests/<uuid:pk>/", views.request_detail, name="request_detail"),
]
