from django.urls import path

from stride.booking import journey, linkpages, views, waitlist_views

app_name = "booking"
urlpatterns = [
    path("book/", journey.start, name="start"),
    path("book/done/<str:reference>/", journey.done, name="done"),
    path("book/done/<str:reference>/appointment.ics", journey.done_calendar, name="done_calendar"),
    path("book/<slug:slug>/", journey.times, name="times"),
    path("book/<slug:slug>/details/", journey.details, name="details"),
    path("book/<slug:slug>/waitlist/", waitlist_views.join, name="waitlist_join"),
    path("bookings/manage/", views.manage_start, name="manage_start"),
    path("bookings/manage/resend/", linkpages.resend, name="manage_resend"),
    path("bookings/manage/<str:reference>/", views.manage, name="manage"),
    path("bookings/manage/<str:reference>/cancel", views.manage_cancel, name="manage_cancel"),
    path(
        "bookings/manage/<str:reference>/appointment.ics",
        views.manage_calendar,
        name="manage_calendar",
    ),
    path(
        "bookings/manage/<str:reference>/reschedule",
        views.manage_reschedule,
        name="manage_reschedule",
    ),
    path("waitlist/", waitlist_views.link, name="waitlist_link"),
    path("waitlist/joined/", waitlist_views.joined, name="waitlist_joined"),
    path("waitlist/offer/<int:pk>/", waitlist_views.offer_page, name="waitlist_offer"),
    path("waitlist/offer/<int:pk>/accept", waitlist_views.offer_accept, name="waitlist_accept"),
    path("waitlist/offer/<int:pk>/decline", waitlist_views.offer_decline, name="waitlist_decline"),
    path("waitlist/place/<int:pk>/", waitlist_views.place, name="waitlist_place"),
    path("waitlist/place/<int:pk>/leave", waitlist_views.place_leave, name="waitlist_leave"),
]
