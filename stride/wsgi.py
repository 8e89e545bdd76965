"""WSGI entry point: ``granian --interface wsgi stride.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

from stride.config import plain_errors

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stride.settings")
from django.conf import settings

from stride.site.pagecache import PageCache
from stride.web import requestid

with plain_errors():  # a configuration mistake is one line in the journal, not a traceback
    django_application = get_wsgi_application()
    cached = PageCache(django_application) if settings.PAGE_CACHE else django_application
    # Outermost, so page-cache hits carry a request ID too.
    application = requestid.wsgi(cached)

    from stride.office.checks import refuse_demo_staff  # needs Django set up
    from stride.site.checks import refuse_demo_admin

    refuse_demo_admin()
    refuse_demo_staff()
