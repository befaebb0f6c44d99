"""A container deployment's first step: migrate every component, then make sure the admin account exists.

    python -m deploy.migrate_all

Used by docker-compose.yml's `migrate` service and the Kubernetes Job
`union-migrate`. The components are those `make run` starts (each service that
has a service module, then the gateway), so adding a service needs no change here.
"""

from __future__ import annotations

import sys

from deploy.launch import components
from gateway import accounts
from services.chassis import migrate


def main() -> int:
    for name in components():
        migrate.upgrade(name)
        print(f"{name}: database at head", flush=True)
    return accounts.main(["ensure-admin"])


if __name__ == "__main__":
    sys.exit(main())
