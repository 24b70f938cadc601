"""The README's command list is complete: every `recallr` command and subcommand appears in it."""

from __future__ import annotations

import re
from pathlib import Path

import click

from recallr.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _commands(group: click.Group, prefix: str) -> list[tuple[str, str]]:
    found = []
    for name, command in group.commands.items():
        found.append((prefix, name))
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{prefix} {name}"))
    return found


def test_every_command_is_in_the_readme() -> None:
    # `recallr keys create|list|revoke` documents three subcommands in one line
    missing = [f"{parent} {name}" for parent, name in _commands(main, "recallr")
               if not re.search(rf"{re.escape(parent)} (?:[\w-]+\|)*{re.escape(name)}(?![\w-])", README)]
    assert not missing, f"commands missing from README: {missing}"
