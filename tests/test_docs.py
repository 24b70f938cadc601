"""Documentation stays complete: every setting and every API route appears in the README."""

from __future__ import annotations

from pathlib import Path

from recallr.server import create_app
from recallr.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    missing = [name for name in Settings.model_fields if f"RECALLR_{name.upper()}" not in README]
    assert not missing, f"settings missing from README: {missing}"
    assert all(field.description for field in Settings.model_fields.values())


def test_every_route_is_documented(engine: object) -> None:
    app = create_app(engine)  # type: ignore[arg-type]
    paths = {getattr(r, "path", "") for r in app.routes} - {""}
    paths = {p for p in paths if p.startswith("/api/v1")}
    missing = [p for p in paths if p.replace("{user_id}", "{id}").replace("{session_id}", "{sid}") not in README]
    assert not missing, f"routes missing from README: {missing}"
