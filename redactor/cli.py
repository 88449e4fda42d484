"""The `redactor` command line.

Subcommands live next to the code they drive and are declared as entry points in
`pyproject.toml` (group `redactor.commands`), so that this module names none of them (the core
library never imports `api/`) and `redactor keys create` does not pay for loading GiNZA or
CTranslate2: a subcommand's module is imported only when it is invoked.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import click

ENTRY_POINT_GROUP = "redactor.commands"


class LazyGroup(click.Group):
    """A click group whose subcommands are entry points imported on first use.

    A refusal at start (an unmigrated schema in cluster mode, a missing key) ends the command with
    its message, which names the fix, instead of a traceback.
    """

    def invoke(self, ctx: click.Context):
        from redactor.errors import RefusedError
        from redactor.key_material import KeyMaterialError

        try:
            return super().invoke(ctx)
        except (RefusedError, KeyMaterialError) as error:
            raise click.ClickException(str(error)) from None

    def _entry_points(self):
        return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self._entry_points())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry_point = self._entry_points().get(cmd_name)
        return entry_point.load() if entry_point is not None else None


@click.group(cls=LazyGroup)
@click.version_option(package_name="redactor")
def main() -> None:
    """Consent-aware PII redaction for Japanese call recordings."""
