"""Back-office reports pages (included from stride/office/urls.py)."""

from django.urls import URLPattern, path

from stride.office import report_views

urlpatterns: list[URLPattern] = [
    path("office/reports/", report_views.reports, name="reports"),
    path("office/reports/<slug:slug>/", report_views.report, name="report"),
    path("office/reports/<slug:slug>.csv", report_views.report_csv, name="report_csv"),
]
