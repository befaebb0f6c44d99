"""Where each process finds its broker, its database and its files.

Everything comes from the environment so that the same code runs under
`make run`, in tests and in containers.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
SERVICES = ("membership", "welfare", "training", "rights")


def var_dir() -> Path:
    """The folder for embedded databases and generated secrets (`var/`)."""
    path = Path(os.environ.get("VAR_DIR", ROOT / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def amqp_uri() -> str:
    return os.environ.get("AMQP_URI", DEFAULT_AMQP_URI)


def database_url(service: str) -> str:
    """`<SERVICE>_DATABASE_URL`, else the service's own SQLite file under var/."""
    url = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{var_dir() / (service + '.db')}"


def secret_setting(name: str, file_name: str, nbytes: int = 32) -> str:
    """The environment variable `name`, else a secret generated once into var/`file_name`.

    A generated secret suits one host; several hosts must share it through the environment.
    """
    value = os.environ.get(name)
    if value:
        return value
    path = var_dir() / file_name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()
