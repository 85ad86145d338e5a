"""Settings from the environment: typed helpers that fail loudly, secrets read from files."""

import os
import subprocess
import sys
from decimal import Decimal

import pytest

from innoplan.core.env import (
    SettingError,
    env_bool,
    env_decimal,
    env_int,
    env_list,
    env_str,
    env_time,
)

NAME = "INNOPLAN_TEST_SETTING"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.delenv(f"{NAME}_FILE", raising=False)


@pytest.mark.parametrize("text", ["1", "true", "TRUE", "yes", "on", " On "])
def test_a_bool_reads_the_usual_words_for_true(monkeypatch, text):
    monkeypatch.setenv(NAME, text)
    assert env_bool(NAME, False) is True


@pytest.mark.parametrize("text", ["0", "false", "False", "no", "off"])
def test_a_bool_reads_the_usual_words_for_false(monkeypatch, text):
    monkeypatch.setenv(NAME, text)
    assert env_bool(NAME, True) is False


@pytest.mark.parametrize("text", ["maybe", "2", "y", "enabled"])
def test_a_bool_that_is_neither_true_nor_false_fails_naming_the_variable(monkeypatch, text):
    monkeypatch.setenv(NAME, text)
    with pytest.raises(SettingError, match=rf"{NAME}=.*{text}.*expected true or false"):
        env_bool(NAME, False)


def test_an_unset_or_empty_variable_takes_the_default(monkeypatch):
    assert env_bool(NAME, True) is True
    assert env_int(NAME, 7) == 7
    assert env_decimal(NAME, "0.05") == Decimal("0.05")
    assert env_list(NAME, ["a"]) == ["a"]
    assert env_str(NAME, "fallback") == "fallback"
    monkeypatch.setenv(NAME, "")
    assert env_bool(NAME, True) is True
    assert env_int(NAME, 7) == 7
    assert env_str(NAME, "fallback") == "fallback"


def test_an_int_reads_a_whole_number(monkeypatch):
    monkeypatch.setenv(NAME, "1800")
    assert env_int(NAME, 60, minimum=60) == 1800


@pytest.mark.parametrize("text", ["x", "1.5", "30m", "1e3"])
def test_an_int_that_is_not_a_whole_number_fails(monkeypatch, text):
    monkeypatch.setenv(NAME, text)
    with pytest.raises(SettingError, match=rf"{NAME}=.*expected a whole number"):
        env_int(NAME, 5)


def test_an_int_below_its_minimum_fails_saying_the_minimum(monkeypatch):
    monkeypatch.setenv(NAME, "59")
    with pytest.raises(SettingError, match=rf"{NAME}=59: must be at least 60"):
        env_int(NAME, 1800, minimum=60)


def test_an_int_at_its_minimum_is_accepted(monkeypatch):
    monkeypatch.setenv(NAME, "60")
    assert env_int(NAME, 1800, minimum=60) == 60


def test_a_decimal_keeps_its_exact_value(monkeypatch):
    monkeypatch.setenv(NAME, "0.15")
    assert env_decimal(NAME, "0.05") == Decimal("0.15")


@pytest.mark.parametrize("text", ["abc", "5%", "0,15"])
def test_a_decimal_that_is_not_a_number_fails(monkeypatch, text):
    monkeypatch.setenv(NAME, text)
    with pytest.raises(SettingError, match=rf"{NAME}=.*expected a number"):
        env_decimal(NAME, "0.05")


def test_a_list_is_comma_separated_and_ignores_blanks(monkeypatch):
    monkeypatch.setenv(NAME, " plan.example.gov.cn, 10.0.0.5 ,,")
    assert env_list(NAME, []) == ["plan.example.gov.cn", "10.0.0.5"]


def test_a_missing_required_value_is_a_setting_error(monkeypatch):
    with pytest.raises(SettingError, match=f"{NAME} must be set"):
        env_str(NAME)
    monkeypatch.setenv(NAME, "")
    with pytest.raises(SettingError, match=f"{NAME} must be set"):
        env_str(NAME)


def test_a_setting_error_is_a_value_error():
    assert issubclass(SettingError, ValueError)


def test_a_secret_is_read_from_the_file_named_in_the_file_variant(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret-from-a-file\n", encoding="utf-8")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret))
    assert env_str(NAME) == "s3cret-from-a-file"


def test_the_file_variant_works_for_typed_values_too(monkeypatch, tmp_path):
    limit = tmp_path / "limit"
    limit.write_text("3\n", encoding="utf-8")
    monkeypatch.setenv(f"{NAME}_FILE", str(limit))
    assert env_int(NAME, 5, minimum=1) == 3


def test_the_variable_itself_wins_over_its_file_variant(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-file", encoding="utf-8")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret))
    monkeypatch.setenv(NAME, "from-env")
    assert env_str(NAME) == "from-env"


def test_an_unreadable_secret_file_fails_naming_the_file(monkeypatch, tmp_path):
    missing = tmp_path / "no-such-secret"
    monkeypatch.setenv(f"{NAME}_FILE", str(missing))
    with pytest.raises(SettingError, match=rf"{NAME}_FILE=.*no-such-secret: cannot be read"):
        env_str(NAME, "default")


# --- the settings module as a whole ----------------------------------------------------------


def import_settings(tmp_path, **environment):
    """Import innoplan.settings in a fresh interpreter with only the given INNOPLAN_* values."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INNOPLAN_")}
    env.pop("DATABASE_URL", None)
    env.update({"INNOPLAN_VAR_DIR": str(tmp_path / "var"), **environment})
    return subprocess.run(
        [sys.executable, "-c", "import innoplan.settings as s; print(s.SECRET_KEY)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_settings_load_with_no_environment_at_all(tmp_path):
    result = import_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    # A key is generated once and kept under var/, readable by its owner only.
    key_file = tmp_path / "var" / "secret_key"
    assert result.stdout.strip() == key_file.read_text(encoding="utf-8").strip()
    assert key_file.stat().st_mode & 0o077 == 0


def test_the_secret_key_is_read_from_its_file(tmp_path):
    key = tmp_path / "key"
    key.write_text("k" * 60 + "\n", encoding="utf-8")
    result = import_settings(tmp_path, INNOPLAN_SECRET_KEY_FILE=str(key))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "k" * 60


def test_an_unreadable_secret_key_file_stops_the_settings_from_loading(tmp_path):
    """A mistyped secret path must not fall back silently to a generated key."""
    result = import_settings(tmp_path, INNOPLAN_SECRET_KEY_FILE=str(tmp_path / "typo"))
    assert result.returncode != 0
    assert "INNOPLAN_SECRET_KEY_FILE" in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("INNOPLAN_DEBUG", "maybe", "expected true or false"),
        ("INNOPLAN_LOGIN_FAILURE_LIMIT", "x", "expected a whole number"),
        ("INNOPLAN_SESSION_IDLE_SECONDS", "10", "must be at least 60"),
        ("INNOPLAN_STATUS_LAGGING", "five percent", "expected a number"),
    ],
)
def test_a_bad_value_stops_the_settings_from_loading(tmp_path, variable, value, message):
    result = import_settings(tmp_path, **{variable: value})
    assert result.returncode != 0
    assert "SettingError" in result.stderr
    assert variable in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"), [("7:05", "07:05"), ("23:59", "23:59"), ("", "07:00")]
)
def test_a_time_of_day_reads_hours_and_minutes(monkeypatch, text, expected):
    monkeypatch.setenv(NAME, text)
    assert env_time(NAME, "07:00") == expected


@pytest.mark.parametrize("text", ["24:00", "7", "07:5", "seven", "07:60"])
def test_a_time_of_day_refuses_anything_else(monkeypatch, text):
    monkeypatch.setenv(NAME, text)
    with pytest.raises(SettingError, match=NAME):
        env_time(NAME, "07:00")
