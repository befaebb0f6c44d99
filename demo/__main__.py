"""`python -m demo`: fill a running platform with one city's 2022, then check the annual report.

    python -m demo                         # the work report's city, against http://127.0.0.1:8000
    python -m demo --small --seed 7        # a few hundred members with random counts
    python -m demo --url http://host:8000 --api-key KEY

Without --api-key (or DEMO_API_KEY) it signs in as admin (ADMIN_PASSWORD, or
the password `make run` wrote to var/admin-password), creates an API key for
itself and sends everything with that key, as an external system would.
Exits 1 if the report does not show the planned figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import requests

from demo import scenario as demo_scenario
from demo.client import Client, say
from demo.verify import baseline_report, verify

ROOT = Path(__file__).resolve().parents[1]
KEY_SCOPES = ["members:read", "members:write", "welfare:read", "welfare:write", "training:read",
              "training:write", "rights:read", "rights:write", "reports:read"]


def admin_token(url: str) -> str:
    password = os.environ.get("ADMIN_PASSWORD")
    if not password:
        path = Path(os.environ.get("VAR_DIR", ROOT / "var")) / "admin-password"
        if not path.exists():
            raise SystemExit(f"no API key given and no admin password found ({path}); is the platform running "
                             "(make run)? Pass --api-key or set ADMIN_PASSWORD.")
        password = path.read_text().strip()
    response = requests.post(f"{url}/api/v1/auth/login", json={"username": "admin", "password": password},
                             timeout=30)
    if response.status_code != 200:
        raise SystemExit(f"signing in as admin failed: {response.status_code} {response.text[:300]}")
    return response.json()["token"]


def api_key_for(url: str, token: str, name: str) -> str | None:
    """A key with every scope the demo needs, or None if this platform has no API keys yet."""
    # A bulk loader's key: well above the gateway's default rate for external systems.
    body = {"name": name, "scopes": KEY_SCOPES, "rate_per_minute": 600_000}
    response = requests.post(f"{url}/api/v1/api-keys", json=body,
                             headers={"Authorization": f"Bearer {token}"}, timeout=30)
    if response.status_code in (404, 405):
        return None
    if response.status_code not in (200, 201):
        raise SystemExit(f"creating an API key failed: {response.status_code} {response.text[:300]}")
    body = response.json()
    return body.get("key") or body.get("api_key") or body.get("secret")


def connect(url: str, api_key: str | None, workers: int, quiet: bool = False) -> Client:
    if api_key:
        return Client(url, api_key=api_key, workers=workers, quiet=quiet)
    token = admin_token(url)
    key = api_key_for(url, token, f"demo-generator-{int(time.time())}")
    if key:
        if not quiet:
            say("created an API key for the demo; everything goes through it")
        return Client(url, api_key=key, workers=workers, quiet=quiet)
    if not quiet:
        say("this platform has no API keys yet: using the admin's token")
    return Client(url, token=token, workers=workers, quiet=quiet)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("DEMO_URL",
                                                        f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8000')}"))
    parser.add_argument("--api-key", default=os.environ.get("DEMO_API_KEY"))
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--small", action="store_true", help="a small city with random counts drawn from the seed")
    parser.add_argument("--root-name", default="青州市总工会")
    parser.add_argument("--workers", type=int, default=8, help="requests in flight at once (default 8)")
    parser.add_argument("--no-verify", action="store_true")
    args = parser.parse_args(argv)

    started = time.monotonic()
    client = connect(args.url, args.api_key, args.workers)
    areas = demo_scenario.available_areas(client)
    missing = [area for area in demo_scenario.ALL_AREAS if area not in areas]
    if missing:
        say(f"this platform does not offer {', '.join(missing)} yet: the demo leaves that out")
    say(f"planning the city (seed {args.seed}{', small' if args.small else ''}) ...")
    scenario = demo_scenario.build(args.seed, args.small, args.root_name, areas)
    city = scenario.city
    say(f"  {len(city.organisations):,} organisations, {len(city.people):,} members, "
        f"{len(city.honours):,} honours planned in {time.monotonic() - started:.1f} s")
    if not args.small:
        wrong, absent = demo_scenario.against_source(demo_scenario.expected(scenario))
        if wrong:
            raise SystemExit(f"the plan does not meet the work report: {wrong}")
        say(f"  the plan meets every figure of the 2022 work report it can load; not loadable: "
            f"{', '.join(absent) or 'none'}")
    baseline = baseline_report(client, scenario.year)
    demo_scenario.run(client, scenario)
    if args.no_verify:
        return 0
    year = scenario.year
    say(f"checking the {year} annual report ...")
    ok = verify(client, year, demo_scenario.expected(scenario), baseline=baseline)
    total = time.monotonic() - started
    if ok:
        say(f"the {year} annual report shows every planned figure; done in {total:.0f} s "
            f"({total / 60:.1f} min)")
        return 0
    say("the annual report does not show the planned figures (see MISMATCH above)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
