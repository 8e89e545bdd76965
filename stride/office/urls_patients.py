"""Back-office patients pages (included from stride/office/urls.py)."""

from django.urls import URLPattern, path

from stride.office import patients

P = "office/patients/<int:pk>"

urlpatterns: list[URLPattern] = [
    path("office/patients/", patients.patients, name="patients"),
    path(f"{P}/", patients.patient, name="patient"),
    path(f"{P}/notes/", patients.patient_notes, name="patient_notes"),
    path(f"{P}/merge/", patients.merge_choose, name="patient_merge"),
    path(f"{P}/merge/<int:other>/", patients.merge_confirm, name="patient_merge_confirm"),
    path(f"{P}/export/", patients.export_page, name="patient_export"),
    path(f"{P}/export.json", patients.export_json, name="patient_export_json"),
    path(f"{P}/erase/", patients.erase, name="patient_erase"),
]
