"""Indexes for the back office's patient search and duplicate check.

On PostgreSQL, pg_trgm and a trigram (GIN) index on the patient's name, so a name
within a typo is found without reading every record; on SQLite both steps do nothing
and the search reads the names it needs (see stride.office.finder).
"""

import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


NAME_TRGM = (
    "CREATE INDEX IF NOT EXISTS patient_name_trgm ON booking_patient USING gin (name gin_trgm_ops)"
)


def add_name_trigrams(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NAME_TRGM)


def drop_name_trigrams(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS patient_name_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0010_booking_assessment_record'),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(add_name_trigrams, drop_name_trigrams),
        migrations.AddIndex(
            model_name='bookingdetails',
            index=models.Index(fields=['phone'], name='details_phone'),
        ),
        migrations.AddIndex(
            model_name='bookingdetails',
            index=models.Index(django.db.models.functions.text.Upper('email'), name='details_email_upper'),
        ),
        migrations.AddIndex(
            model_name='patient',
            index=models.Index(fields=['date_of_birth', 'name'], name='patient_dob_name'),
        ),
        migrations.AddIndex(
            model_name='patient',
            index=models.Index(fields=['phone'], name='patient_phone'),
        ),
        migrations.AddIndex(
            model_name='patient',
            index=models.Index(django.db.models.functions.text.Upper('email'), name='patient_email_upper'),
        ),
    ]
