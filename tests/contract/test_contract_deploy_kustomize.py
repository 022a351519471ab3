"""The project's kustomize renderer (kinerja_devtools.kustomize, which every other deploy test
reads the manifests through) renders each kustomization as `kubectl kustomize` does, which is what
operators apply. Skipped where kubectl is not installed."""

import shutil
import subprocess

import pytest
import yaml
from deploy_manifests import KUSTOMIZATIONS, ONE_OFF, rendered

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(
    KUBECTL is None, reason="kubectl is not installed here: the renderer cannot be compared with `kubectl kustomize`"
)


def by_name(resources) -> dict[tuple, dict]:
    return {(r["kind"], r["metadata"].get("namespace"), r["metadata"]["name"]): r for r in resources}


@pytest.mark.parametrize("name", [*KUSTOMIZATIONS, *ONE_OFF])
def test_the_renderer_agrees_with_kubectl_kustomize(name: str):
    path = {**KUSTOMIZATIONS, **ONE_OFF}[name]
    done = subprocess.run([KUBECTL, "kustomize", str(path)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    theirs, ours = by_name(yaml.safe_load_all(done.stdout)), by_name(rendered(name))
    assert theirs.keys() == ours.keys()
    differing = [key for key in theirs if theirs[key] != ours[key]]
    assert not differing, f"rendered differently from `kubectl kustomize {path}`: {differing}"
