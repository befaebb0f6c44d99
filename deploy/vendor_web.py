"""Vendor the web client's front-end libraries (and the browser tests' axe-core) from npm, pinned.

    python -m deploy.vendor_web           # fetch the pinned versions with `npm pack`, copy, write the locks
    python -m deploy.vendor_web --check   # the files on disk match each directory's vendor.lock.json

The web client has no build step: the gateway serves these files as they are.
The browser tests audit its pages with axe-core, kept under tests/browser/vendor
the same way (never served).
Each library is fetched by `npm pack name@version` (the registry's own tarball,
checked by npm against its integrity hash), one file is copied out of it, and
the lock records the version, the tarball's integrity and the copied file's
sha256. `--check` needs no network; a unit test runs the same check.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "gateway" / "static" / "vendor"
LOCK = VENDOR / "vendor.lock.json"
TEST_VENDOR = ROOT / "tests" / "browser" / "vendor"

# Per directory: (npm package, version, file inside the package, name in the directory)
PINNED = {
    VENDOR: (
        ("preact", "11.2.0", "dist/preact.mjs", "preact.mjs"),
        ("preact", "11.2.0", "hooks/dist/hooks.mjs", "preact-hooks.mjs"),
        ("preact", "11.2.0", "LICENSE", "LICENSE.preact"),
        ("htm", "3.1.1", "dist/htm.module.js", "htm.mjs"),
        ("htm", "3.1.1", "LICENSE", "LICENSE.htm"),
        ("chart.js", "4.6.1", "dist/chart.umd.min.js", "chart.umd.min.js"),
        ("chart.js", "4.6.1", "LICENSE.md", "LICENSE.chart.js"),
    ),
    TEST_VENDOR: (
        ("axe-core", "4.14.1", "axe.min.js", "axe.min.js"),
        ("axe-core", "4.14.1", "LICENSE", "LICENSE.axe-core"),
    ),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch() -> dict[Path, dict]:
    locks: dict[Path, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        packed: dict[tuple[str, str], tuple[Path, str]] = {}
        for package, version, _, _ in (entry for pinned in PINNED.values() for entry in pinned):
            if (package, version) in packed:
                continue
            out = subprocess.run(["npm", "pack", "--json", f"{package}@{version}"], cwd=tmp, check=True,
                                 capture_output=True, text=True).stdout
            info = json.loads(out)[0]
            root = Path(tmp) / f"{package}-{version}"
            with tarfile.open(Path(tmp) / info["filename"]) as tar:
                tar.extractall(root, filter="data")
            packed[(package, version)] = (root / "package", info["integrity"])
        for directory, pinned in PINNED.items():
            lock: dict = {"_comment": "written by `python -m deploy.vendor_web`; do not edit by hand", "files": {}}
            directory.mkdir(parents=True, exist_ok=True)
            for package, version, inner, name in pinned:
                root, integrity = packed[(package, version)]
                shutil.copyfile(root / inner, directory / name)
                lock["files"][name] = {"package": package, "version": version, "path": inner,
                                       "tarball_integrity": integrity, "sha256": sha256(directory / name)}
            (directory / LOCK.name).write_text(json.dumps(lock, indent=2, ensure_ascii=False) + "\n")
            locks[directory] = lock
    return locks


def check() -> list[str]:
    """What differs between the locks and the files on disk (empty: all good)."""
    problems = []
    for directory in PINNED:
        lock = json.loads((directory / LOCK.name).read_text())
        where = directory.relative_to(ROOT)
        for name, entry in lock["files"].items():
            path = directory / name
            if not path.is_file():
                problems.append(f"{where}/{name}: missing")
            elif sha256(path) != entry["sha256"]:
                problems.append(f"{where}/{name}: sha256 differs from the lock ({entry['package']}@{entry['version']})")
        listed = set(lock["files"]) | {LOCK.name}
        problems += [f"{where}/{p.name}: not in the lock" for p in directory.iterdir() if p.name not in listed]
    return problems


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        found = check()
        print("\n".join(found) or "vendored files match the lock")
        sys.exit(1 if found else 0)
    for directory, lock in fetch().items():
        for name, entry in lock["files"].items():
            print(f"{directory.name}/{name:22} {entry['package']}@{entry['version']}  sha256 {entry['sha256'][:16]}…")
