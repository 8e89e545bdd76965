"""Static files as production serves them: hashed names, compressed, cached for a year."""

from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client


def test_static_files_are_hashed_compressed_and_cached_for_a_year(db, settings, tmp_path):
    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("stride/site.css")
    assert url.startswith("/static/stride/site.")
    assert url != "/static/stride/site.css", "the name carries a hash of the content"
    response = Client().get(url, headers={"accept-encoding": "gzip, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] in {"gzip", "br"}
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
