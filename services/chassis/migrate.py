"""Apply (or write) a component's Alembic migrations.

    python -m services.chassis.migrate upgrade membership welfare gateway
    python -m services.chassis.migrate revision membership -m "add honours"

A component is a service under `services/` or the `gateway`; each keeps its
versions in `<package>/migrations/versions/` and its tables in
`<package>/models.py` (`Base.metadata`). The Alembic environment is shared.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from services.chassis.config import ROOT, database_url
from services.chassis.database import make_engine


def package_of(component: str) -> str:
    return "gateway" if component == "gateway" else f"services.{component}"


def alembic_config(component: str, url: str | None = None) -> Config:
    package = package_of(component)
    models = importlib.import_module(f"{package}.models")
    versions = ROOT / Path(*package.split(".")) / "migrations" / "versions"
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migration_env"))
    config.set_main_option("version_locations", str(versions))
    config.set_main_option("sqlalchemy.url", (url or database_url(component)).replace("%", "%%"))
    config.attributes["target_metadata"] = models.Base.metadata
    return config


def upgrade(component: str, url: str | None = None) -> None:
    url = url or database_url(component)
    config = alembic_config(component, url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.chassis.migrate")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("upgrade")
    up.add_argument("components", nargs="+")
    rev = sub.add_parser("revision")
    rev.add_argument("component")
    rev.add_argument("-m", "--message", required=True)
    args = parser.parse_args(argv)
    if args.command == "upgrade":
        for component in args.components:
            upgrade(component)
            print(f"{component}: database at head")
    else:
        upgrade(args.component)
        config = alembic_config(args.component)
        command.revision(config, message=args.message, autogenerate=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
