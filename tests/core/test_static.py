"""The production static set-up: collectstatic builds a manifest that holds every file the
pages ask for, from the project's own files and the npm packages (no CDN)."""

import pytest
from django.core.management import call_command

from innoplan import settings as project_settings

pytestmark = pytest.mark.django_db


def test_collected_static_files_serve_every_page(tmp_path, settings, client, plan_owner, plan):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = project_settings.STORAGES
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert (tmp_path / "vendor/echarts/echarts.min.js").exists()
    # Only the files the pages load come from node_modules, not the packages' other builds.
    assert not list((tmp_path / "vendor/echarts").glob("echarts.js*"))
    assert not (tmp_path / "vendor/echarts/extension").exists()
    client.force_login(plan_owner)
    indicator = plan.indicators.first()
    for url in ("/", f"/plans/indicators/{indicator.pk}/", "/api/docs"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"cdn." not in response.content.lower(), url
