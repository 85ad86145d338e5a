"""Group-chat robots: the configuration read at start-up, the WeCom and DingTalk message
formats, DingTalk's signature and the errcode in their answers — sent to a real robot server
on this machine."""

from __future__ import annotations

import base64
import hashlib
import hmac
import subprocess
import sys
from urllib.parse import unquote_plus

import pytest
from django.utils import timezone

from innoplan.core.env import SettingError
from innoplan.notifications import chat, services
from innoplan.notifications.choices import DeliveryStatus
from innoplan.notifications.models import Delivery
from tests.notifications.conftest import robots

VAR = "INNOPLAN_CHAT_WEBHOOKS"


# --- configuration ----------------------------------------------------------------------------


def test_the_configuration_names_each_robot_its_kind_url_and_secret():
    hooks = chat.parse_webhooks(
        VAR,
        [
            "wecom:ops=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K1",
            "dingtalk:leaders=https://oapi.dingtalk.com/robot/send?access_token=T2#SECabc",
        ],
    )
    assert [(h.kind, h.name, h.secret) for h in hooks] == [
        ("wecom", "ops", ""),
        ("dingtalk", "leaders", "SECabc"),
    ]
    assert hooks[1].url == "https://oapi.dingtalk.com/robot/send?access_token=T2"
    assert "T2" not in repr(hooks[1]) and "SECabc" not in repr(hooks[1])


def test_a_file_may_list_one_robot_a_line():
    text = "wecom:a=https://h/x?key=1\ndingtalk:b=https://h/y?access_token=2\n"
    assert [h.name for h in chat.parse_webhooks(VAR, [text])] == ["a", "b"]


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("https://qyapi.weixin.qq.com/x", "is not KIND:NAME=URL"),
        ("slack:ops=https://h/x", "the kind must be one of wecom, dingtalk"),
        ("wecom:运维=https://h/x", "the name must be"),
        ("wecom:ops=ftp://h/x", "the URL must be http"),
        ("wecom:ops=https://h/x#secret", "only a dingtalk robot takes a #secret"),
    ],
)
def test_a_malformed_robot_is_refused_naming_the_variable(entry, problem):
    with pytest.raises(SettingError, match=problem) as refused:
        chat.parse_webhooks(VAR, [entry])
    assert str(refused.value).startswith(VAR)


def test_a_robot_name_given_twice_is_refused():
    with pytest.raises(SettingError, match="given twice"):
        chat.parse_webhooks(VAR, ["wecom:ops=https://h/x", "dingtalk:ops=https://h/y"])


@pytest.mark.parametrize("value", ["0,5", "1,five", ""])
def test_retry_delays_must_be_whole_minutes(value):
    with pytest.raises(SettingError, match="INNOPLAN_NOTIFY_RETRY_MINUTES"):
        chat.parse_minutes("INNOPLAN_NOTIFY_RETRY_MINUTES", [p for p in value.split(",") if p])


def test_the_site_address_loses_its_final_slash_and_must_be_http():
    assert chat.parse_site_url("S", "https://innoplan.gov.cn/") == "https://innoplan.gov.cn"
    assert chat.parse_site_url("S", "") == ""
    with pytest.raises(SettingError, match=r"^S="):
        chat.parse_site_url("S", "innoplan.gov.cn")


def test_a_bad_robot_stops_start_up_with_the_variables_name(tmp_path):
    environment = {
        "PATH": "/usr/bin:/bin",
        "INNOPLAN_VAR_DIR": str(tmp_path),
        VAR: "wecom:ops=not-a-url",
    }
    result = subprocess.run(
        [sys.executable, "-m", "innoplan.cli", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SettingError: INNOPLAN_CHAT_WEBHOOKS: entry 'wecom:ops'" in result.stderr


# --- formats and the signature -----------------------------------------------------------------


def test_a_wecom_message_is_markdown_content():
    data = chat.message(
        "wecom", subject="督办: 节点", body="逾期 3 天", link="https://x/n/1", link_label="查看"
    )
    assert data == {
        "msgtype": "markdown",
        "markdown": {"content": "**督办: 节点**\n逾期 3 天\n[查看](https://x/n/1)"},
    }


def test_a_dingtalk_message_has_a_title_and_markdown_text():
    data = chat.message("dingtalk", subject="督办: 节点", body="逾期 3 天")
    assert data == {
        "msgtype": "markdown",
        "markdown": {"title": "督办: 节点", "text": "#### 督办: 节点\n\n逾期 3 天"},
    }


def test_a_long_message_is_cut_to_what_wecom_takes():
    data = chat.message("wecom", subject="节点", body="很长" * 3000)
    assert len(data["markdown"]["content"].encode()) <= chat.MAX_CONTENT_BYTES


def test_the_dingtalk_signature_is_the_url_encoded_base64_hmac_of_timestamp_and_secret():
    secret = "SEC1234567890abcdef"
    sign = chat.dingtalk_sign(secret, 1577262236757)
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"1577262236757\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert unquote_plus(sign) == expected
    assert "+" not in sign and "/" not in sign and "=" not in sign  # safe in the query


def test_a_signed_url_adds_timestamp_and_sign_to_the_token():
    hook = chat.Webhook("dingtalk", "d", "https://oapi.dingtalk.com/robot/send?access_token=T", "S")
    url = chat.call_url(hook, 1700000000000)
    assert url.startswith(
        "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000&sign="
    )
    unsigned = chat.Webhook("dingtalk", "d", "https://h/send?access_token=T")
    assert chat.call_url(unsigned, 1) == "https://h/send?access_token=T"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b'{"errcode":0,"errmsg":"ok"}', None),
        (b'{"errcode":93000,"errmsg":"invalid webhook url"}', "errcode 93000: invalid webhook"),
        (b"<html>proxy error</html>", "not JSON"),
        (b'{"ok":true}', "no errcode"),
    ],
)
def test_a_robots_answer_is_read_by_its_errcode(raw, problem):
    found = chat.answer_problem(raw)
    assert found == problem if problem is None else problem in found


# --- sending to a real robot ----------------------------------------------------------------


def _tell(reporter):
    services.notify(
        recipients=[reporter],
        subject="督办: 新型研发机构落地",
        body="任务3 — 逾期 20 天。",
        link="/supervision/notices/9/",
        urgent=True,
        chat=True,
        key="notice:9",
    )


@pytest.mark.django_db
def test_a_wecom_robot_gets_the_markdown_message(settings, mail, reporter_a, robot_server):
    robot = robot_server()
    robots(settings, f"wecom:ops={robot.url}/cgi-bin/webhook/send?key=K")
    _tell(reporter_a)
    assert services.drain().sent == 1
    (call,) = robot.calls
    assert call.path == "/cgi-bin/webhook/send" and call.query == {"key": "K"}
    assert call.headers["Content-Type"] == "application/json; charset=utf-8"
    assert call.body["msgtype"] == "markdown"
    content = call.body["markdown"]["content"]
    assert content.startswith("**督办: 新型研发机构落地**\n任务3 — 逾期 20 天。")
    assert "(https://innoplan.example.gov.cn/supervision/notices/9/)" in content
    assert Delivery.objects.get().status == DeliveryStatus.SENT


@pytest.mark.django_db
def test_a_signed_dingtalk_robot_accepts_the_signature(settings, mail, reporter_a, robot_server):
    robot = robot_server(secret="SECtest-secret")
    robots(settings, f"dingtalk:leaders={robot.url}/robot/send?access_token=T#SECtest-secret")
    _tell(reporter_a)
    assert services.drain().sent == 1
    (call,) = robot.calls
    assert call.query["access_token"] == "T"
    assert abs(int(call.query["timestamp"]) - timezone.now().timestamp() * 1000) < 60_000
    assert call.body["markdown"]["title"] == "督办: 新型研发机构落地"
    assert call.body["markdown"]["text"].startswith("#### 督办: 新型研发机构落地\n\n")


@pytest.mark.django_db
def test_a_wrong_dingtalk_secret_is_a_failure_to_retry(settings, mail, reporter_a, robot_server):
    robot = robot_server(secret="SECright")
    robots(settings, f"dingtalk:leaders={robot.url}/robot/send?access_token=T#SECwrong")
    _tell(reporter_a)
    summary = services.drain()
    assert (summary.sent, summary.retrying) == (0, 1)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert "errcode 310000: sign not match" in delivery.last_error


@pytest.mark.django_db
def test_an_errcode_with_http_200_is_a_failure_and_the_retry_succeeds(
    settings, mail, reporter_a, robot_server
):
    robot = robot_server()
    robot.answer(200, {"errcode": 45009, "errmsg": "api freq out of limit"})
    robots(settings, f"wecom:ops={robot.url}/send?key=K")
    _tell(reporter_a)
    now = timezone.now()
    assert services.drain(now).retrying == 1
    assert "errcode 45009" in Delivery.objects.get().last_error
    assert services.drain(now + services.retry_delay(1)).sent == 1
    assert len(robot.calls) == 2
    assert Delivery.objects.get().status == DeliveryStatus.SENT


@pytest.mark.django_db
def test_an_http_error_and_a_non_json_answer_are_failures(settings, mail, reporter_a, robot_server):
    robot = robot_server()
    robot.answer(500, {"errmsg": "busy"})
    robot.answer(200, b"<html>gateway</html>")
    robots(settings, f"wecom:ops={robot.url}/send?key=K")
    _tell(reporter_a)
    now = timezone.now()
    services.drain(now)
    assert "HTTP 500" in Delivery.objects.get().last_error
    services.drain(now + services.retry_delay(1))
    assert "not JSON" in Delivery.objects.get().last_error


@pytest.mark.django_db
def test_a_robot_removed_from_the_settings_is_a_failure_not_a_crash(
    settings, mail, reporter_a, robot_server
):
    robot = robot_server()
    robots(settings, f"wecom:ops={robot.url}/send?key=K")
    _tell(reporter_a)
    robots(settings)
    assert services.drain().retrying == 1
    assert "no group-chat robot named 'ops'" in Delivery.objects.get().last_error
