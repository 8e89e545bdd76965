"""The JSON API: one django-ninja instance, one router per area, OpenAPI at /api/openapi.json."""
