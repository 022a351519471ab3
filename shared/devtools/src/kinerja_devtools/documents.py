"""The official documents (PDF) from the running services, and pictures of them.

- :func:`download`: at the end of ``make demo``, one employee's SKP form (target-service) and
  Dokumen Evaluasi Kinerja (appraisal-service), fetched as that employee into ``.data/documents/``.
- ``python -m kinerja_devtools.documents --png DIR FILE.pdf ...`` (``make documents``): the first
  page of each PDF as ``DIR/<name>.png``, e.g. the README's pictures from the PDFs that
  tests/integration/test_documents_pdf.py writes when ``KINERJA_DOCUMENTS_DIR`` is set.
  pypdfium2 (a development dependency) renders the page.
"""

import argparse
from pathlib import Path

from kinerja_devtools.scenario import Scenario, ScenarioError


def fetch(scenario: Scenario, service: str, path: str, nip: str, roles: list[str]) -> bytes:
    response = scenario.http.get(f"{scenario.urls[service]}{path}", headers=scenario.token(nip, roles))
    if response.status_code != 200 or not response.content.startswith(b"%PDF"):
        raise ScenarioError(f"GET {service}{path} -> {response.status_code}: {response.text[:300]}")
    return response.content


def download(scenario: Scenario, nip: str, skp_id: str, folder: Path) -> list[Path]:
    """The employee's SKP form and their current annual Dokumen Evaluasi Kinerja, downloaded as
    the employee (the services decide who may read them), into ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    appraisal = scenario.call(
        "GET", "appraisal-service", f"/periods/{scenario.period_id}/employees/{nip}/appraisal", nip, ["employee"]
    )
    wanted = [
        ("target-service", f"/skp/{skp_id}/document.pdf", f"skp-{nip}-{scenario.year}.pdf"),
        (
            "appraisal-service",
            f"/appraisals/{appraisal['appraisal_id']}/document.pdf",
            f"evaluasi-{nip}-{scenario.year}.pdf",
        ),
    ]
    paths = []
    for service, path, name in wanted:
        target = folder / name
        target.write_bytes(fetch(scenario, service, path, nip, ["employee"]))
        paths.append(target)
    return paths


def first_page_png(pdf: Path, png: Path, scale: float = 1.6) -> Path:
    """The PDF's first page as a greyscale PNG image (``scale`` 1 = 72 dpi)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        document[0].render(scale=scale).to_pil().convert("L").save(png, optimize=True)
    finally:
        document.close()
    return png


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The first page of each PDF as a PNG image.")
    parser.add_argument("pdfs", nargs="+", type=Path)
    parser.add_argument("--png", type=Path, required=True, help="the folder the images go to")
    args = parser.parse_args(argv)
    args.png.mkdir(parents=True, exist_ok=True)
    for pdf in args.pdfs:
        print(first_page_png(pdf, args.png / f"{pdf.stem}.png"))


if __name__ == "__main__":
    main()
