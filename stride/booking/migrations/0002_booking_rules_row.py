from django.db import migrations


def create_rules(apps, schema_editor):
    apps.get_model("booking", "BookingRules").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]
    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
