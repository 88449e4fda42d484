"""The UI's routes as the app declares them, so tests that must cover every page or form do."""

from __future__ import annotations

from fastapi.routing import APIRoute


def declared_ui_paths(routes, methods: set[str]) -> list[str]:
    """Every path under /ui served for any of `methods` (with its {params}), from app or router routes."""
    paths = set()

    def walk(routes) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                if route.path.startswith("/ui") and route.methods & methods:
                    paths.add(route.path)
            elif hasattr(route, "effective_route_contexts"):  # an included router (FastAPI >= 0.120)
                for context in route.effective_route_contexts():
                    original = context.original_route
                    path = context.path or getattr(original, "path", "")
                    if path.startswith("/ui") and set(getattr(original, "methods", ())) & methods:
                        paths.add(path)
            elif hasattr(route, "routes"):
                walk(route.routes)

    walk(routes)
    return sorted(paths)
