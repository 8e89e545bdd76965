from django.urls import path

from stride.site import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("practitioners/", views.practitioner_list, name="practitioners"),
    path("practitioners/<slug:slug>/", views.practitioner_detail, name="practitioner"),
    path("contact/", views.contact, name="contact"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
