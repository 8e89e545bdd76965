from django.urls import path

from stride.booking import journey, views

app_name = "booking"
urlpatterns = [
    path("book/", journey.start, name="start"),
    path("book/done/<str:reference>/", journey.done, name="done"),
    path("book/<slug:slug>/", journey.times, name="times"),
    path("book/<slug:slug>/details/", journey.details, name="details"),
    path("bookings/manage/", views.manage_start, name="manage_start"),
    path("bookings/manage/<str:reference>/", views.manage, name="manage"),
    path("bookings/manage/<str:reference>/cancel", views.manage_cancel, name="manage_cancel"),
    path(
        "bookings/manage/<str:reference>/reschedule",
        views.manage_reschedule,
        name="manage_reschedule",
    ),
]
