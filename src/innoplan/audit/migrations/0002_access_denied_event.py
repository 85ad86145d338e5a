"""A refusal is an audit event of its own: ``access.denied``."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_audit_trail"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="event",
            field=models.CharField(
                choices=[
                    ("login.success", "Login"),
                    ("login.failure", "Failed login"),
                    ("logout", "Logout"),
                    ("lockout", "Account locked out"),
                    ("lockout.release", "Lockout released"),
                    ("password.change", "Password changed"),
                    ("password.reset", "Password reset"),
                    ("role.grant", "Role granted"),
                    ("role.revoke", "Role revoked"),
                    ("otp.enrol", "Second factor enrolled"),
                    ("otp.success", "Second factor verified"),
                    ("otp.failure", "Second factor failed"),
                    ("otp.reset", "Second factor reset"),
                    ("data.create", "Record created"),
                    ("data.update", "Record changed"),
                    ("data.delete", "Record deleted"),
                    ("data.access", "Record accessed"),
                    ("unmask", "Personal data unmasked"),
                    ("export", "Export"),
                    ("import.confirm", "Import confirmed"),
                    ("backup", "Backup"),
                    ("restore", "Restore"),
                    ("field_key.rotate", "Encryption key rotated"),
                    ("audit.export", "Audit trail exported"),
                    ("audit.purge", "Audit trail purged"),
                    ("milestone.overdue", "Milestone overdue"),
                    ("notice.answer", "Notice answered"),
                    ("access.denied", "Access denied"),
                ],
                max_length=40,
                verbose_name="event",
            ),
        ),
    ]
