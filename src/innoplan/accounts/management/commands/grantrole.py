"""Grant a role from the server console: how the first security administrator is made (the
system administrator creates accounts but cannot grant roles). Recorded in the audit trail."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from innoplan.accounts.choices import Role
from innoplan.accounts.models import Department, User
from innoplan.accounts.services import role_grant_from_console


class Command(BaseCommand):
    help = "Give an existing account a role (and a department)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--department", help="department code (required for a reporter)")

    def handle(self, *args, username, role, department=None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}.")
        dept = None
        if department:
            dept = Department.objects.filter(code=department).first()
            if dept is None:
                raise CommandError(f"No department with code {department!r}.")
        try:
            role_grant_from_console(user=user, role=role, department=dept)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        user.refresh_from_db()
        self.stdout.write(f"{username}: {user.get_role_display()}")
