"""The ``dealweb`` command line: one group, one module of commands per room."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from dealweb import __version__


class _Main(click.Group):
    """The top group: whatever a command lets escape ends as one line on stderr, never a traceback.

    Set ``DEALWEB_DEBUG=1`` to see the traceback of an unexpected error instead.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()
            return result
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            # the reader went away (dealweb show | head): stop quietly, as Unix tools do
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        except OSError as exc:
            if os.environ.get("DEALWEB_DEBUG"):
                raise
            _fail_line(f"cannot write the output: {exc.strerror or exc}",
                       "check the disk has room and the output is writable")
        except (KeyboardInterrupt, MemoryError) as exc:
            _fail_line("interrupted" if isinstance(exc, KeyboardInterrupt) else "out of memory",
                       "" if isinstance(exc, KeyboardInterrupt) else "ask for fewer runs or a smaller web")
        except Exception as exc:  # the last safety net: report, do not dump a traceback
            if os.environ.get("DEALWEB_DEBUG"):
                raise
            _fail_line(f"internal error: {type(exc).__name__}: {exc}",
                       "this is a bug in dealweb; rerun with DEALWEB_DEBUG=1 and report the traceback")


def _fail_line(message: str, hint: str) -> None:
    try:
        click.echo(f"error: {message}" + (f" (hint: {hint})" if hint else ""), err=True)
    finally:
        sys.exit(2)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="dealweb")
def main() -> None:
    """dealweb: the sourced web of deals between companies.

    \b
    Examples:
      dealweb show                      # the bundled 2025 AI deal web
      dealweb show oracle               # one entity, its deals and facts, with quotes
      dealweb check path/to/ledger      # validate your own ledger
      dealweb doctor                    # what this machine lacks, and how to add it
    """


def _register() -> None:
    # Each room's commands live in their own module; importing one adds its commands to ``main``.
    from dealweb.cli import (
        extract_cmds,  # noqa: F401
        face_cmds,  # noqa: F401
        graph_cmds,  # noqa: F401
        ledger_cmds,  # noqa: F401
        metrics_cmds,  # noqa: F401
        setup_cmds,  # noqa: F401
        sim_cmds,  # noqa: F401
    )


_register()
