from django.urls import path

from stride.assessment import views

app_name = "assessment"
urlpatterns = [
    path("assessment/", views.start, name="start"),
    path("assessment/step", views.step, name="step"),
]
