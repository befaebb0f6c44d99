"""The web client's files: `index.html` at `/`, everything else under `/static/`.

Public (the client signs in through the API). The client has no build step,
so these are the files as they are on disk. Caching: the page and the
client's own scripts are revalidated on every load (`no-cache` with an ETag,
answered 304 when unchanged) so a new release shows at once; the pinned
vendor libraries (gateway/static/vendor/vendor.lock.json) may be cached for a
day. The page carries a Content-Security-Policy allowing only this origin's
scripts plus the inline import map, by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from pathlib import Path

from werkzeug.wrappers import Request, Response

from gateway.http import PUBLIC, STAFF_ONLY, Doc, api
from services.chassis.errors import NotFound

STATIC = Path(__file__).resolve().parents[1] / "static"
TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".css": "text/css", ".json": "application/json",
         ".html": "text/html", ".png": "image/png", ".svg": "image/svg+xml", ".ico": "image/x-icon"}
VENDOR_MAX_AGE = 86400
IMPORT_MAP = re.compile(rb'<script type="importmap">(.*?)</script>', re.S)

_cache: dict[Path, tuple[float, bytes, str]] = {}


def read_static(name: str) -> tuple[Path, bytes, str]:
    """The file's path, bytes and ETag; NotFound for anything outside static/ or missing."""
    path = (STATIC / name).resolve()
    if STATIC not in path.parents or not path.is_file():
        raise NotFound("no such file")
    mtime = path.stat().st_mtime
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        content = path.read_bytes()
        cached = _cache[path] = (mtime, content, '"' + hashlib.sha256(content).hexdigest()[:32] + '"')
    return path, cached[1], cached[2]


def content_security_policy(page: bytes) -> str:
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(m).digest()).decode()}'"
                      for m in IMPORT_MAP.findall(page))
    return ("default-src 'self'; script-src 'self' " + hashes + "; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'")


def static_response(request: Request, name: str) -> Response:
    path, content, etag = read_static(name)
    vendored = path.parent == STATIC / "vendor"
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={VENDOR_MAX_AGE}" if vendored else "no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if path.suffix == ".html":
        headers["Content-Security-Policy"] = content_security_policy(content)
        headers["Referrer-Policy"] = "same-origin"
    if etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    mimetype = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if mimetype.startswith("text/") or mimetype == "application/json":
        mimetype += "; charset=utf-8"
    return Response(content, headers={**headers, "Content-Type": mimetype})


class WebRoutes:
    @api("GET", "/", roles=PUBLIC, key_scope=STAFF_ONLY, doc=Doc("The web client"))
    def web_client(self, request: Request) -> Response:
        return static_response(request, "index.html")

    @api("GET", "/static/<path:name>", roles=PUBLIC, key_scope=STAFF_ONLY, doc=Doc("The web client's files"))
    def web_static(self, request: Request, name: str) -> Response:
        return static_response(request, name)
