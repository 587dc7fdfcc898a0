from django.urls import path

from nestguard.panels import views

app_name = "panels"
urlpatterns: list = [
    path("", views.panel_list, name="list"),
    path("new/", views.panel_create, name="create"),
    path("<uuid:pk>/", views.panel_detail, name="detail"),
    path("<uuid:pk>/members/add/", views.member_add, name="member_add"),
    path("<uuid:pk>/meetings/new/", views.meeting_schedule, name="schedule"),
    path("meetings/<uuid:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<uuid:pk>/agenda/", views.agenda_build, name="agenda_build"),
    path("meetings/<uuid:pk>/items/add/", views.item_add, name="item_add"),
    path("meetings/<uuid:pk>/items/<uuid:item_pk>/move/", views.item_move, name="item_move"),
    path(
        "meetings/<uuid:pk>/items/<uuid:item_pk>/minutes/",
        views.item_minutes,
        name="item_minutes",
    ),
    path("meetings/<uuid:pk>/attendance/add/", views.attendance_add, name="attendance_add"),
    path("meetings/<uuid:pk>/agreement/", views.agreement, name="agreement"),
    path("meetings/<uuid:pk>/held/", views.meeting_hold, name="hold"),
    path("meetings/<uuid:pk>/actions/add/", views.action_add, name="action_add"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<uuid:pk>/", views.action_detail, name="action"),
    path("actions/<uuid:pk>/update/", views.action_update, name="action_update"),
]
