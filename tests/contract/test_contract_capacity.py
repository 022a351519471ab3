"""deploy/CAPACITY.md: its tables are the arithmetic of its input tables (issue 12)."""

import pytest
from kinerja_devtools import capacity


@pytest.fixture(scope="module")
def text() -> str:
    return capacity.FILE.read_text(encoding="utf-8")


def test_the_tables_follow_from_the_inputs(text: str):
    assert capacity.render(text) == text, f"deploy/CAPACITY.md is stale; run {capacity.COMMAND}"


def test_every_figure_of_the_brief_is_an_input(text: str):
    values = capacity.inputs(text)
    assert values["realisations"] == 173 and values["replay_appraisal"] == 7_287
    assert values["province_employees"] == 400_000 and values["country_employees"] == 5_700_000


def test_a_changed_figure_redoes_the_tables(text: str):
    faster = capacity.render(
        text.replace(
            "| `realisations` | realisations recorded, one request per IKI | 173 |",
            "| `realisations` | realisations recorded, one request per IKI | 346 |",
        )
    )
    assert "| `realisations` | 346 | 173.0 |" in faster
    assert "| realisations (one per IKI) | target-service | 600,000 | 100.0 | 173.0 | 0.58 | 0.96 |" in faster


def test_a_missing_input_is_named(text: str):
    without = text.replace("| `peak_factor` |", "| peak_factor |")
    with pytest.raises(ValueError, match="no 'peak_factor'"):
        capacity.render(without)
