"""Each measure says its range and unit once, and its scale's anchors."""

from __future__ import annotations

from practitioner.domain.outcomes import (
    DISTURBED_NIGHTS,
    PGIC,
    STANDARD_MEASURES,
    WORST_SEVERITY,
    MeasureDefinition,
)


def test_range_and_unit_appear_once() -> None:
    assert WORST_SEVERITY.scale() == "0–10"
    assert DISTURBED_NIGHTS.scale() == "nights of 7"
    assert PGIC.scale() == "1–7"
    for definition in STANDARD_MEASURES:
        scale = definition.scale()
        assert scale.count("–") <= 1 and scale.count(" of ") <= 1, scale
    custom = MeasureDefinition("custom:1", "Stairs", "flights", 0, 20)
    assert custom.scale() == "0–20 flights"


def test_every_standard_measure_has_anchors_and_a_custom_one_says_which_end_is_better(
) -> None:
    assert WORST_SEVERITY.anchor_text() == "0 = no pain, 10 = worst pain imaginable"
    assert all(d.anchors for d in STANDARD_MEASURES)
    higher_better = MeasureDefinition("custom:2", "Walk", "m", 0, 500, lower_is_better=False)
    assert higher_better.anchor_text() == "500 = best, 0 = worst"
