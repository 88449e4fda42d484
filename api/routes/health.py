"""Liveness, readiness and Prometheus metrics (no key needed; nothing personal in them)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from api.deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz():
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Not ready: models loading or DB unreachable."}})
def readyz(runtime: RuntimeDep):
    """Ready when the database answers and, in a process that runs jobs, the models are loaded and
    the worker runs (an API replica, `serve --no-worker`, checks the database only)."""
    checks = {"database": "ok"}
    try:
        with runtime.db.read_session() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:  # the reason is an error type, never data
        checks["database"] = type(exc).__name__
    if runtime.runs_jobs:
        checks["models"] = "ok" if runtime.models_ready else runtime.model_error or "loading"
        checks["worker"] = "ok" if runtime.worker is not None and runtime.worker.running else "not_running"
    ready = all(value == "ok" for value in checks.values())
    body = {"status": "ready" if ready else "not_ready", "checks": checks}
    if not ready:
        body["error"] = {"code": "not_ready",
                         "message": "not ready: " + ", ".join(f"{k}={v}" for k, v in checks.items() if v != "ok")}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", response_class=Response)
def metrics(runtime: RuntimeDep):
    """Prometheus text format: jobs by state, processing seconds, audio seconds processed."""
    return Response(runtime.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")
