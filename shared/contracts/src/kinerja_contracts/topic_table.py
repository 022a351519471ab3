"""The contract README's topic table, generated from the catalogue:
``python -m kinerja_contracts.topic_table`` prints it; a contract test keeps the README current."""

from .catalogue import ALL_TOPICS


def markdown() -> str:
    lines = [
        "| topic | partitions | record key | event types | audience | carries |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for topic in ALL_TOPICS:
        key = topic.key_text
        types = ", ".join(f"`{cls.event_type}`" for cls in topic.event_types) or "(any)"
        lines.append(
            f"| `{topic.name}` | {topic.partitions} | {key} | {types} | {topic.audience} | {topic.description} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
