"""Without the optional ``mcp`` package: a clear message with the install hint, never a crash or a 500."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from .test_stdio import SRC

# Python treats a module set to None in sys.modules as not installed.
BLOCK_MCP = "import sys; sys.modules['mcp'] = None\n"


def run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-c", BLOCK_MCP + textwrap.dedent(code)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def test_http_mcp_answers_501_with_the_install_hint(tmp_path: Path) -> None:
    done = run("""
        from fastapi.testclient import TestClient
        from recallr.bootstrap import Engine
        from recallr.mcp.http import mount
        from recallr.server import create_app
        from recallr.settings import Settings

        engine = Engine(Settings(data_dir="data", run_worker=False))
        project, key = engine.projects.create("p")
        with TestClient(create_app(engine, mounts=[mount])) as http:
            assert http.post("/mcp", json={}).status_code == 401  # the key is checked first
            headers = {"X-Recallr-Api-Key": key.api_key, "X-Recallr-Project-Id": project.id}
            response = http.post("/mcp", json={}, headers=headers)
            print(response.status_code, response.json()["code"], response.json()["detail"])
            assert http.get("/api/v1/users", headers=headers).status_code == 200  # the API is unaffected
        engine.close()
    """, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "501 configuration_error MCP needs the optional 'mcp' package (the mcp extra " \
                                  "of recallr-memory): pip install 'mcp>=2.3,<3'"


def test_recallr_mcp_says_what_to_install(tmp_path: Path) -> None:
    done = run("""
        import sys
        from recallr.cli import main
        sys.argv = ["recallr", "mcp", "--data-dir", "data"]
        main()
    """, tmp_path)
    assert done.returncode == 1
    assert "pip install 'mcp>=2.3,<3'" in done.stderr and "Traceback" not in done.stderr
