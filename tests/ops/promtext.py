"""Reading a /metrics page in tests."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def samples(text: str, name: str, labels: dict[str, str] | None = None) -> list[tuple[dict[str, str], float]]:
    """Every sample called `name` whose labels include `labels`."""
    wanted = labels or {}
    found = []
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in wanted.items()):
                found.append((dict(sample.labels), sample.value))
    return found


def sample_value(text: str, name: str, labels: dict[str, str] | None = None) -> float:
    """The sum of the matching samples (0 when there are none)."""
    return sum(value for _, value in samples(text, name, labels))
