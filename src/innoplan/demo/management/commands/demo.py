"""``innoplan demo``: set up the Tongzhou plan with demo data (演示数据) and serve it."""

import os
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from innoplan.demo.seed import demo_load, read_demo_file
from innoplan.plans.ingest.schema import read_plan_file
from innoplan.plans.services import plan_load

PLAN_FILE = Path(__file__).resolve().parents[3] / "plans/fixtures/tongzhou_2024.yaml"


class Command(BaseCommand):
    help = "Migrate, load the Tongzhou plan and the demo data set, then serve the site."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="set up only")

    def handle(self, *args, host, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("loaddepartments", stdout=self.stdout)
        result = plan_load(document=read_plan_file(PLAN_FILE))
        plan = result.plan
        self.stdout.write(
            f"plan: {plan.doc_number} {plan.title} ({'loaded' if result.changed else 'unchanged'})"
        )
        accounts, figures, records, milestones = demo_load(plan=plan)
        if figures or records or milestones:
            self.stdout.write(
                f"演示数据 (demo data): {records} registry records, {figures} reported "
                f"figures and {milestones} milestones created"
            )
        else:
            self.stdout.write("演示数据 (demo data): already present")
        password = read_demo_file()["password"]
        self.stdout.write(self.style.SUCCESS(f"\nDemo accounts (password for all: {password})"))
        for account in accounts:
            where = f" — {account.department}" if account.department else ""
            self.stdout.write(f"  {account.username:<12} {account.role}{where}")
        self.stdout.write(
            "The administrators (系统/安全/审计管理员) set up an authenticator app (TOTP) at "
            "their first sign-in."
        )
        if no_serve:
            return
        os.environ["INNOPLAN_DEMO"] = "1"
        call_command("serve", host=host, port=port)
