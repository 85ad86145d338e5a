"""Load on a running innoplan: 15 department reporters posting figures through the real report
form (with its CSRF token) and 50 readers (district leaders and plan owners) reading the
dashboard, indicator pages, registry lists and the figures API.

The accounts come from ``setup_load.py`` (``LOAD_ACCOUNTS`` names its JSON file). Each writer
reports its own indicator for the next month in turn, from January of the plan's first year
on; once every month up to now has a figure, the form answers that the period already has
one — a correct, clear refusal, counted as its own request type and not as a failure.

    locust -f benchmarks/load/locustfile.py --headless -u 65 -r 65 -t 60s --host URL
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from datetime import date
from pathlib import Path

from locust import HttpUser, between, task

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
ALREADY_REPORTED = "already has a figure"
ALREADY_REPORTED_ZH = "已有"
_writers = itertools.cycle(ACCOUNTS["writers"])
_readers = itertools.cycle(ACCOUNTS["readers"])


def _months(first_year: int):
    today = date.today()
    year, month = first_year, 1
    while (year, month) <= (today.year, today.month):
        yield f"{year}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


class SignedIn(HttpUser):
    abstract = True
    account: dict

    def on_start(self):
        self.client.get("/accounts/login/", name="login page")
        response = self.client.post(
            "/accounts/login/",
            {
                "username": self.account["username"],
                "password": ACCOUNTS["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.account['username']}: login answered {response.status_code}")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")


class Reporter(SignedIn):
    """A department's reporter: opens the report form, posts a figure, checks their list."""

    weight = 15
    fixed_count = 15
    wait_time = between(1, 3)

    def on_start(self):
        self.account = next(_writers)
        self.months = _months(ACCOUNTS["plan_start_year"])
        self.value = 100
        super().on_start()

    @task
    def report(self):
        url = f"/plans/indicators/{self.account['indicator']}/report/"
        self.client.get(url, name="report form")
        month = next(self.months, None)
        self.value += random.randint(0, 5)
        data = {
            "period_kind": "month",
            "period": month or date.today().strftime("%Y-%m"),
            "value": str(self.value),
            "note": f"load test {month}",
            "csrfmiddlewaretoken": self.csrf(),
        }
        name = "report (post)" if month else "report (period already reported)"
        with self.client.post(
            url, data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if month and response.status_code == 302:
                response.success()
            elif (
                not month
                and response.status_code == 400
                and (ALREADY_REPORTED in response.text or ALREADY_REPORTED_ZH in response.text)
            ):
                response.success()  # the form's clear answer; nothing stored
            else:
                response.failure(f"{response.status_code}: {_errors(response.text)}")

    @task
    def my_reports(self):
        self.client.get("/plans/reports/mine/", name="my reports")


class Reader(SignedIn):
    """A district leader or the plan owner's staff, reading."""

    weight = 50
    fixed_count = 50
    wait_time = between(1, 3)

    def on_start(self):
        self.account = next(_readers)
        super().on_start()

    @task(3)
    def dashboard(self):
        self.client.get("/", name="dashboard")

    @task(3)
    def indicator(self):
        pk = random.choice(ACCOUNTS["indicators"])
        self.client.get(f"/plans/indicators/{pk}/", name="indicator detail")

    @task(2)
    def registry_list(self):
        self.client.get(random.choice(ACCOUNTS["registry_lists"]), name="registry list")

    @task(2)
    def figures_api(self):
        self.client.get("/api/plans/figures", name="api figures")


def _errors(html: str) -> str:
    found = re.findall(r'class="invalid-feedback[^"]*"[^>]*>\s*([^<]+)', html)
    return "; ".join(e.strip() for e in found)[:200] or html[:200]
