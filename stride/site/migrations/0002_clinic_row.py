"""Create the one Clinic row with placeholders, so every page has details to show."""

from django.db import migrations


def create_clinic(apps, schema_editor):
    Clinic = apps.get_model("site", "Clinic")
    Clinic.objects.get_or_create(
        pk=1,
        defaults={
            "name": "Your clinic",
            "phone": "000 0000 0000",
            "email": "clinic@example.org",
            "address_line1": "Set the address in the admin",
            "town": "Town",
            "postcode": "AB1 2CD",
            "time_zone": "Europe/London",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("site", "0001_initial")]
    operations = [migrations.RunPython(create_clinic, migrations.RunPython.noop)]
