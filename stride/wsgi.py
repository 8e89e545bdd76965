"""WSGI entry point: ``gunicorn stride.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stride.settings")
from django.conf import settings

from stride.site.pagecache import PageCache

django_application = get_wsgi_application()
application = PageCache(django_application) if settings.PAGE_CACHE else django_application

from stride.office.checks import refuse_demo_staff  # noqa: E402 (needs Django set up)
from stride.site.checks import refuse_demo_admin  # noqa: E402

refuse_demo_admin()
refuse_demo_staff()
