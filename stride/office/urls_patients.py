"""Back-office patients pages (included from stride/office/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
