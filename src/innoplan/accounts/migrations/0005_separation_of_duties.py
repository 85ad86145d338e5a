"""Existing accounts: the password's age counts from now, and nobody stays a Django superuser
(the separation of duties grants each administrator its pages explicitly)."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(password_changed_at__isnull=True).update(password_changed_at=timezone.now())
    User.objects.filter(role="sysadmin").update(is_staff=True)
    User.objects.filter(is_superuser=True).update(is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_password_policy")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
