"""A project's memory categories (name + description)."""

from __future__ import annotations

from collections.abc import Iterable

from .database import Tx, now_us


def all_for(tx: Tx, project_id: str) -> list[tuple[str, str]]:
    rows = tx.all("SELECT name, description FROM categories WHERE project_id = ? ORDER BY name", [project_id])
    return [(r["name"], r["description"]) for r in rows]


def insert_many(tx: Tx, project_id: str, categories: Iterable[tuple[str, str]]) -> None:
    now = now_us()
    tx.executemany("INSERT INTO categories (project_id, name, description, created_at) VALUES (?, ?, ?, ?)",
                   [(project_id, name, description, now) for name, description in categories])


def exists(tx: Tx, project_id: str, name: str) -> bool:
    return tx.scalar("SELECT 1 FROM categories WHERE project_id = ? AND name = ?", [project_id, name]) is not None


def update(tx: Tx, project_id: str, name: str, description: str) -> bool:
    cur = tx.execute("UPDATE categories SET description = ? WHERE project_id = ? AND name = ?",
                     [description, project_id, name])
    return bool(cur.rowcount)


def delete(tx: Tx, project_id: str, name: str) -> bool:
    cur = tx.execute("DELETE FROM categories WHERE project_id = ? AND name = ?", [project_id, name])
    return bool(cur.rowcount)


def count(tx: Tx, project_id: str) -> int:
    return int(tx.scalar("SELECT COUNT(*) FROM categories WHERE project_id = ?", [project_id]) or 0)
