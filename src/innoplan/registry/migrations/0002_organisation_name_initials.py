from django.db import migrations, models

from innoplan.core.chinese import pinyin_initials


def fill_name_initials(apps, schema_editor):
    Organisation = apps.get_model("registry", "Organisation")
    batch = []
    for organisation in Organisation.objects.only("pk", "name").iterator(chunk_size=2000):
        organisation.name_initials = pinyin_initials(organisation.name)
        batch.append(organisation)
        if len(batch) >= 2000:
            Organisation.objects.bulk_update(batch, ["name_initials"])
            batch = []
    if batch:
        Organisation.objects.bulk_update(batch, ["name_initials"])


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="name_initials",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The pinyin initials of the name, for searching; set by the system.",
                max_length=200,
                verbose_name="name initials",
            ),
        ),
        migrations.RunPython(fill_name_initials, migrations.RunPython.noop),
    ]
