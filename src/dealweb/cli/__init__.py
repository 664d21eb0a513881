"""The ``dealweb`` command line: one group, one module of commands per room."""

from __future__ import annotations

import click

from dealweb import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="dealweb")
def main() -> None:
    """dealweb: the sourced web of deals between companies.

    \b
    Examples:
      dealweb show                      # the bundled 2025 AI deal web
      dealweb show oracle               # one entity, its deals and facts, with quotes
      dealweb check path/to/ledger      # validate your own ledger
    """


def _register() -> None:
    # Each room's commands live in their own module; importing one adds its commands to ``main``.
    from dealweb.cli import ledger_cmds  # noqa: F401
    from dealweb.cli import graph_cmds  # noqa: F401
    from dealweb.cli import face_cmds  # noqa: F401
    from dealweb.cli import metrics_cmds  # noqa: F401
    from dealweb.cli import sim_cmds  # noqa: F401
    from dealweb.cli import extract_cmds  # noqa: F401


_register()
