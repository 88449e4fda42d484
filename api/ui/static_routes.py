"""The workspace's own CSS and JavaScript (a fixed list of files: nothing else is served)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.errors import ApiError

router = APIRouter(include_in_schema=False)

STATIC_DIR = Path(__file__).resolve().parents[1] / "static" / "ui"
FILES = {"app.css": "text/css; charset=utf-8", "call.js": "text/javascript; charset=utf-8"}


@router.get("/ui/static/{name}")
def static_file(name: str):
    """One of FILES from api/static/ui (anything else is a 404)."""
    if name not in FILES:
        raise ApiError(404, "not_found", f"no static file {name!r}; the UI serves {', '.join(sorted(FILES))}")
    return FileResponse(STATIC_DIR / name, media_type=FILES[name],
                        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})
