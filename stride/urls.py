from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.static import serve
from django_otp.admin import OTPAdminSite

from stride.api.urls import api
from stride.library import seo
from stride.office import auth_views
from stride.site import views as site_views

# The admin is for the clinic admin, signed in through the back office with a second
# factor: an unverified session is not let in.
admin.site.__class__ = OTPAdminSite
admin.site.login = auth_views.admin_login  # type: ignore[method-assign]
admin.site.site_header = "Stride administration"
admin.site.site_title = "Stride"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("stride.site.urls")),
    path("", include("stride.library.urls")),
    path("", include("stride.booking.urls")),
    path("", include("stride.assessment.urls")),
    path("", include("stride.office.urls")),
    path("sitemap.xml", seo.sitemap, name="sitemap"),
    path("robots.txt", seo.robots, name="robots"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
if settings.SERVE_MEDIA:
    # The demo serves uploaded photos itself; in production the reverse proxy does.
    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

handler404 = site_views.page_not_found
handler500 = site_views.server_error
