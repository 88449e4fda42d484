"""`redactor serve`: the API and the embedded worker in one process, or the API alone (`--no-worker`)."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]), help="Log level.")
@click.option("--worker/--no-worker", default=True, show_default=True,
              help="Also run the worker and the periodic purges in this process; --no-worker serves the API "
                   "alone (an API replica: `redactor worker` processes run the jobs).")
def serve(host: str, port: int, log_level: str, worker: bool) -> None:
    """Serve the HTTP API and run the worker (data in REDACTOR_DATA_DIR, default ./data)."""
    import logging

    import uvicorn

    from api import access_log
    from api.main import create_app
    from redactor.api_keys import has_keys
    from redactor.config import get_settings
    from redactor.service.runtime import ServiceRuntime

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    runtime = ServiceRuntime.open(settings)  # migrate now so the hints below are accurate
    with runtime.db.read_session() as session:
        keys_exist = has_keys(session=session)
    runtime.close()
    click.echo(f"redactor: data dir {settings.data_dir.resolve()}", err=True)
    if not keys_exist:
        click.echo("redactor: no API key exists yet; create one with "
                   "`redactor keys create --role telephony` (also qa, privacy_manager, admin)", err=True)
    config = uvicorn.Config(create_app(settings, start_worker=worker), host=host, port=port, log_level=log_level)
    access_log.install()  # after uvicorn.Config has configured its loggers
    uvicorn.Server(config).run()
