"""A project's memory categories: the default set on creation, then managed by API, SDK and CLI."""

from __future__ import annotations

from ...exceptions import CategoryError, ValidationError
from ...language.categories import DEFAULT_CATEGORIES, Category, validate_category_name
from ...store import Database, Tx
from ...store import categories as store


def project_categories(tx: Tx, project_id: str) -> list[Category]:
    return [Category(name, description) for name, description in store.all_for(tx, project_id)]


def install_defaults(tx: Tx, project_id: str) -> None:
    store.insert_many(tx, project_id, [(c.name, c.description) for c in DEFAULT_CATEGORIES])


class Categories:
    """Category management for a project. Deleting a category keeps its memories (they keep the name)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def all(self, project_id: str) -> list[Category]:
        with self.db.read() as tx:
            return project_categories(tx, project_id)

    def create(self, project_id: str, name: str, description: str) -> Category:
        name = _valid_name(name)
        description = _valid_description(description)
        with self.db.write() as tx:
            if store.exists(tx, project_id, name):
                raise CategoryError(f"Category {name} already exists", 409)
            store.insert_many(tx, project_id, [(name, description)])
        return Category(name, description)

    def update(self, project_id: str, name: str, description: str) -> Category:
        description = _valid_description(description)
        with self.db.write() as tx:
            if not store.update(tx, project_id, name, description):
                raise CategoryError(f"Category {name} not found", 404)
        return Category(name, description)

    def delete(self, project_id: str, name: str) -> None:
        with self.db.write() as tx:
            if not store.delete(tx, project_id, name):
                raise CategoryError(f"Category {name} not found", 404)

    def unknown(self, project_id: str, names: list[str]) -> list[str]:
        """The names that are not categories of the project."""
        with self.db.read() as tx:
            known = {c.name for c in project_categories(tx, project_id)}
        return [n for n in names if n not in known]


def _valid_name(name: str) -> str:
    try:
        return validate_category_name(name)
    except ValueError as error:
        raise ValidationError(str(error)) from error


def _valid_description(description: str) -> str:
    if not description or not description.strip() or len(description) > 500:
        raise ValidationError("category description must be 1-500 characters")
    return description.strip()
