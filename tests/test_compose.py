"""docker-compose.yml agrees with the code: its commands parse as `recallr` commands, its settings exist.

(There is no Docker engine on CI; tests/scale runs the same topology, two servers and two workers on one
PostgreSQL, as real processes.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import yaml

from recallr.cli import main
from recallr.settings import Settings

COMPOSE = yaml.safe_load((Path(__file__).parents[1] / "docker-compose.yml").read_text())


def _recallr_services() -> dict[str, Any]:
    return {name: service for name, service in COMPOSE["services"].items()
            if isinstance(service.get("command"), list) and service["command"][0].endswith("/recallr")}


def test_every_recallr_command_parses() -> None:
    services = _recallr_services()
    assert set(services) == {"serve", "worker"}
    for name, service in services.items():
        args = service["command"][1:]
        with main.make_context("recallr", list(args), resilient_parsing=False) as ctx:
            sub_name, command, rest = main.resolve_command(ctx, list(args))
            assert isinstance(command, click.Command), name
            command.make_context(sub_name or "", rest)  # raises on an unknown option or a bad value


def test_every_setting_exists_and_points_at_the_compose_database() -> None:
    fields = {f"RECALLR_{name.upper()}" for name in Settings.model_fields}
    for service in _recallr_services().values():
        env = service["environment"]
        assert set(env) <= fields, set(env) - fields
        assert env["RECALLR_DATABASE_URL"].startswith("postgresql://recallr:recallr@postgres:5432/")
    database = COMPOSE["services"]["postgres"]
    assert database["image"].startswith("pgvector/pgvector:")
