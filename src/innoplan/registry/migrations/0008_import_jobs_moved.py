"""Import jobs now live in the imports app (its migration 0001 copied them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_talent_phone"),
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="ImportJob"),
    ]
