"""Search support: pg_trgm on PostgreSQL, an FTS5 table on SQLite.

The same migration runs on both; each part does nothing on the other database.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS library_article_fts USING fts5("
    "title, aka, summary, body, tokenize='porter unicode61 remove_diacritics 2')"
)


def create_fts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(FTS)


def drop_fts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS library_article_fts")


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]
    operations = [
        TrigramExtension(),
        migrations.RunPython(create_fts, drop_fts),
    ]
