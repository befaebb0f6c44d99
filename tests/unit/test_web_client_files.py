"""The web client's static files: every text in both languages, and vendored libraries as locked."""

from __future__ import annotations

import json
import re
from pathlib import Path

from deploy import vendor_web

STATIC = Path(__file__).resolve().parents[2] / "gateway" / "static"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def messages() -> dict[str, list[str]]:
    return json.loads((STATIC / "i18n.json").read_text(encoding="utf-8"))["messages"]


def test_every_message_is_in_chinese_and_english_with_the_same_placeholders():
    for key, texts in messages().items():
        assert len(texts) == 2 and all(text.strip() for text in texts), key
        zh, en = texts
        assert sorted(PLACEHOLDER.findall(zh)) == sorted(PLACEHOLDER.findall(en)), key
        assert re.search(r"[\u4e00-\u9fff]", zh) or key.startswith("report.ordinal"), f"{key} has no Chinese"


def test_every_key_the_scripts_name_exists():
    known = messages()
    used = set()
    for script in (STATIC / "js").rglob("*.js"):
        used |= set(re.findall(r"\bt\('([a-z_.]+)'", script.read_text(encoding="utf-8")))
        used |= set(re.findall(r"\['(v\.[a-z_]+)'", script.read_text(encoding="utf-8")))
    assert used and sorted(used - set(known)) == []


def test_the_client_offers_exactly_the_gateways_key_scopes():
    from gateway.accounts import KEY_SCOPES

    script = (STATIC / "js" / "pages" / "keys.js").read_text(encoding="utf-8")
    listed = re.search(r"KEY_SCOPES = \[(.*?)\];", script, re.S)
    assert listed and re.findall(r"'([a-z:]+)'", listed.group(1)) == list(KEY_SCOPES)


def test_server_message_patterns_compile():
    for pattern, zh in json.loads((STATIC / "i18n.json").read_text(encoding="utf-8"))["server"]:
        assert re.compile(pattern).groups >= len(set(re.findall(r"\$(\d)", zh)))


def test_vendored_libraries_match_their_lock():
    assert vendor_web.check() == []
    lock = json.loads(vendor_web.LOCK.read_text())["files"]
    assert {entry["package"] for entry in lock.values()} == {"preact", "htm", "chart.js"}
    audit_lock = json.loads((vendor_web.TEST_VENDOR / vendor_web.LOCK.name).read_text())["files"]
    assert {entry["package"] for entry in audit_lock.values()} == {"axe-core"}  # the tests', never served
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", entry["version"]) for entry in lock.values())
