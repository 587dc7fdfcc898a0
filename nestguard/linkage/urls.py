from django.urls import path

from nestguard.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.index, name="index"),
    path("matches/", views.matches, name="matches"),
    path("runs/new/", views.run_start, name="run_start"),
    path("runs/<uuid:pk>/", views.run_detail, name="run_detail"),
    path("runs/<uuid:pk>/status/", views.run_status, name="run_status"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/queue/", views.import_queue, name="import_queue"),
    path("imports/<uuid:pk>/", views.import_detail, name="import_detail"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<uuid:pk>/", views.review_pair, name="review_pair"),
    path("people/<uuid:pk>/", views.cluster_detail, name="cluster"),
    path("links/<uuid:pk>/undo/", views.merge_undo_page, name="merge_undo"),
    path("addresses/", views.address_queue, name="address_queue"),
    path("addresses/<uuid:pk>/", views.address_match, name="address_match"),
]
