from django.urls import path

from stride.booking import views

app_name = "booking"
urlpatterns = [
    path("bookings/manage/", views.manage_start, name="manage_start"),
    path("bookings/manage/<str:reference>/", views.manage, name="manage"),
    path("bookings/manage/<str:reference>/cancel", views.manage_cancel, name="manage_cancel"),
    path(
        "bookings/manage/<str:reference>/reschedule",
        views.manage_reschedule,
        name="manage_reschedule",
    ),
]
