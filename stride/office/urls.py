from django.urls import include, path

from stride.office import (
    auth_views,
    desk_views,
    diary_views,
    entry_views,
    staff_booking,
    views,
)

app_name = "office"
urlpatterns = [
    path("office/", views.home, name="home"),
    path("office/login/", auth_views.sign_in, name="login"),
    path("office/logout/", auth_views.sign_out, name="logout"),
    path("office/two-factor/", auth_views.two_factor, name="two_factor"),
    path("office/diary/", diary_views.day, name="diary_day"),
    path("office/diary/week/", diary_views.week, name="diary_week"),
    path("office/bookings/new/", staff_booking.new_booking, name="booking_new"),
    path("office/blocks/new/", staff_booking.new_block, name="block_new"),
    path("office/entries/<int:pk>/", entry_views.entry, name="entry"),
    path("office/entries/<int:pk>/cancel/", entry_views.cancel, name="entry_cancel"),
    path("office/entries/<int:pk>/mark/", entry_views.mark, name="entry_mark"),
    path("office/entries/<int:pk>/arrived/", entry_views.arrived, name="entry_arrived"),
    path("office/entries/<int:pk>/reinstate/", entry_views.reinstate, name="entry_reinstate"),
    path("office/entries/<int:pk>/move/", staff_booking.move, name="entry_move"),
    path("office/waitlist/", desk_views.waitlist_list, name="waitlist"),
    path("office/waitlist/<int:pk>/offer/", desk_views.waitlist_offer, name="waitlist_offer"),
    path("office/audit/", desk_views.audit_list, name="audit"),
    path("", include("stride.office.urls_patients")),
    path("", include("stride.office.urls_reports")),
]
