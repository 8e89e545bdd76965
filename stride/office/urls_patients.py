"""Back-office patients pages (included from stride/office/urls.py)."""

from django.urls import URLPattern, path

from stride.office import patient_duties, patients

P = "office/patients/<int:pk>"

urlpatterns: list[URLPattern] = [
    path("office/patients/", patients.patients, name="patients"),
    path(f"{P}/", patients.patient, name="patient"),
    path(f"{P}/notes/", patients.patient_notes, name="patient_notes"),
    path(f"{P}/merge/", patient_duties.merge_choose, name="patient_merge"),
    path(f"{P}/merge/<int:other>/", patient_duties.merge_confirm, name="patient_merge_confirm"),
    path(f"{P}/export/", patient_duties.export_page, name="patient_export"),
    path(f"{P}/export.json", patient_duties.export_json, name="patient_export_json"),
    path(f"{P}/erase/", patient_duties.erase, name="patient_erase"),
]
