from pathlib import Path

import pytest
from kinerja_contracts import ALL_TOPICS, EVENT_TYPES, personal_data
from kinerja_contracts.examples import EXAMPLES, example_json, markdown

README = Path(__file__).resolve().parents[2] / "shared" / "contracts" / "README.md"


@pytest.fixture(scope="module")
def readme() -> str:
    return README.read_text(encoding="utf-8")


def test_readme_events_section_is_current(readme: str):
    assert markdown() in readme, "regenerate with `python -m kinerja_contracts.examples`"


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_readme_shows_each_example(readme: str, event_type: str):
    assert f"```json\n{example_json(event_type)}\n```" in readme


def test_readme_lists_every_topic_and_event_type(readme: str):
    for topic in ALL_TOPICS:
        assert f"| `{topic.name}` | {topic.partitions} |" in readme
    for event_type in EVENT_TYPES:
        assert f"`{event_type}`" in readme


def test_readme_lists_every_header(readme: str):
    from kinerja_contracts import CloudEventAttributes

    attrs = CloudEventAttributes.new(
        type="kinerja.target.TargetSet.v1", source="/x", subject="s", agency="a", causation_id="c"
    )
    for header in attrs.to_headers():
        assert f"| `{header}` |" in readme


def test_readme_personal_data_section_is_current(readme: str):
    assert "## Personal data (UU 27/2022)" in readme
    assert personal_data.markdown() in readme, "regenerate with `python -m kinerja_contracts.personal_data`"


def test_readme_topic_table_shows_each_audience(readme: str):
    from kinerja_contracts import topic_table

    assert topic_table.markdown() in readme, "regenerate with `python -m kinerja_contracts.topic_table`"
    for topic in ALL_TOPICS:
        assert f"| {topic.audience} |" in readme


def test_readme_says_internal_topics_are_not_part_of_the_subscriber_contract(readme: str):
    assert "**Internal topics are not part of the subscriber contract.**" in readme
    assert "`kinerja.feedback` (internal: appraisal-service; not part of the subscriber contract)" in readme
