from django.urls import include, path

from stride.office import auth_views, diary_views, views

app_name = "office"
urlpatterns = [
    path("office/", views.home, name="home"),
    path("office/login/", auth_views.sign_in, name="login"),
    path("office/logout/", auth_views.sign_out, name="logout"),
    path("office/two-factor/", auth_views.two_factor, name="two_factor"),
    path("office/diary/", diary_views.day, name="diary_day"),
    path("", include("stride.office.urls_patients")),
    path("", include("stride.office.urls_reports")),
]
