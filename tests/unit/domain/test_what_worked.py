"""The "what worked" views: who responded, grouped by pattern and by protocol."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practitioner.domain.caseload import PatientCourse, VisitSummary
from practitioner.domain.outcomes import SessionMeasures, Thresholds
from practitioner.domain.session import NeedledPoint, Pattern, Protocol
from practitioner.domain.what_worked import (
    GroupRate,
    VisitLine,
    caseload_tables,
    dominant_patterns,
    is_responder,
    patient_timeline,
    responder_rates_by_pattern,
    responder_rates_by_protocol,
)

START = dt.date(2025, 1, 6)
BLOOD = Pattern.LIVER_BLOOD_DEFICIENCY
YIN = Pattern.LIVER_YIN_DEFICIENCY
COLD = Pattern.COLD_IN_LIVER_CHANNEL
STASIS = Pattern.BLOOD_STASIS


def visit(
    week: int,
    cramps: float | None = None,
    patterns: tuple[Pattern, ...] = (),
    points: tuple[str, ...] = (),
) -> VisitSummary:
    values = () if cramps is None else (("cramps_per_week", cramps),)
    return VisitSummary(
        day=START + dt.timedelta(weeks=week),
        patterns=frozenset(patterns),
        point_codes=frozenset(points),
        measures=SessionMeasures(values=values),
    )


def course(patient_id: int, *visits: VisitSummary) -> PatientCourse:
    return PatientCourse(patient_id, tuple(visits))


def trajectory(patient_id: int, cramps: tuple[float | None, ...],
               patterns: tuple[Pattern, ...] = (),
               points: tuple[str, ...] = ()) -> PatientCourse:
    """A patient seen weekly with the same patterns and points at every visit."""
    return course(patient_id, *(visit(n, c, patterns, points) for n, c in enumerate(cramps)))


def protocol(protocol_id: int, name: str, *codes: str) -> Protocol:
    return Protocol(protocol_id, name, tuple(NeedledPoint(code) for code in codes))


# --- is_responder ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cramps", "expected"),
    [
        ((8, 3), True),  # −62.5 %
        ((8, 4), True),  # exactly half
        ((8, 5), False),  # −37.5 %
        ((8, 6, 3), True),  # baseline against the latest
        ((8, 2, 7), False),  # improvement that did not last
        ((3, 5), False),  # worse
        ((8, None, 3), True),  # a visit without the count in between
        ((8, 3, None), True),  # the latest visit did not record it
        ((0, 0), None),  # no cramps at baseline
        ((0, 3), None),
        ((8,), None),  # a single visit
        ((8, None, None), None),  # only one visit recorded the count
        ((None, None), None),
        ((), None),  # no visits at all
    ],
)
def test_is_responder(cramps: tuple[float | None, ...], expected: bool | None) -> None:
    assert is_responder(trajectory(1, cramps), Thresholds()) is expected


def test_is_responder_uses_the_thresholds() -> None:
    patient = trajectory(1, (8, 5))
    assert is_responder(patient, Thresholds(responder_percent=25)) is True
    assert is_responder(patient, Thresholds()) is False


def test_is_responder_reads_the_visits_in_date_order() -> None:
    patient = course(1, visit(1, 3), visit(0, 8))
    assert is_responder(patient, Thresholds()) is True


@given(st.integers(1, 500), st.integers(0, 500))
def test_is_responder_is_the_half_rule(baseline: int, latest: int) -> None:
    assert is_responder(trajectory(1, (baseline, latest))) is (2 * latest <= baseline)


# --- GroupRate ---------------------------------------------------------------------------


def test_rate_counts_only_determinable_patients() -> None:
    rate = GroupRate("Liver Blood deficiency", patients=5, responders=2, undetermined=1)
    assert rate.determinable == 4
    assert rate.rate == pytest.approx(0.5)


def test_rate_is_none_when_no_patient_can_be_judged() -> None:
    assert GroupRate("x", patients=2, responders=0, undetermined=2).rate is None
    assert GroupRate("x", patients=0, responders=0, undetermined=0).rate is None


def test_rate_of_zero_is_not_none() -> None:
    assert GroupRate("x", patients=3, responders=0, undetermined=0).rate == 0.0


# --- by pattern ------------------------------------------------------------------------


def test_dominant_pattern_is_the_one_recorded_most_often() -> None:
    patient = course(
        1,
        visit(0, 8, (BLOOD, COLD)),
        visit(1, 6, (BLOOD,)),
        visit(2, 3, (BLOOD, STASIS)),
    )
    assert dominant_patterns(patient) == {BLOOD}


def test_tied_patterns_all_count() -> None:
    patient = course(1, visit(0, 8, (BLOOD,)), visit(1, 3, (YIN,)))
    assert dominant_patterns(patient) == {BLOOD, YIN}


def test_no_patterns_no_dominant_pattern() -> None:
    assert dominant_patterns(trajectory(1, (8, 3))) == frozenset()


def test_responder_rates_by_pattern_worked_example() -> None:
    courses = [
        trajectory(1, (8, 3), (BLOOD,)),  # responder
        trajectory(2, (6, 5), (BLOOD,)),  # not
        trajectory(3, (10, 2), (BLOOD,)),  # responder
        trajectory(4, (4,), (BLOOD,)),  # one visit: undetermined
        trajectory(5, (5, 1), (COLD,)),  # responder
        trajectory(6, (0, 0), (COLD,)),  # no cramps at baseline: undetermined
        course(7, visit(0, 8, (YIN,)), visit(1, 2, (STASIS,))),  # tie: both, responder
        trajectory(8, (8, 1)),  # no pattern recorded: left out
    ]
    rates = responder_rates_by_pattern(courses, Thresholds())
    assert rates == [
        GroupRate(BLOOD.label, patients=4, responders=2, undetermined=1),
        GroupRate(COLD.label, patients=2, responders=1, undetermined=1),
        GroupRate(STASIS.label, patients=1, responders=1, undetermined=0),
        GroupRate(YIN.label, patients=1, responders=1, undetermined=0),
    ]
    assert [rate.rate for rate in rates] == [pytest.approx(2 / 3), 1.0, 1.0, 1.0]


def test_a_patient_counts_once_per_pattern_however_many_visits() -> None:
    rates = responder_rates_by_pattern([trajectory(1, (8, 6, 4, 2), (BLOOD, COLD))])
    assert rates == [
        GroupRate(COLD.label, 1, 1, 0),
        GroupRate(BLOOD.label, 1, 1, 0),
    ]


def test_groups_are_sorted_by_patients_then_label() -> None:
    courses = [trajectory(1, (8, 3), (STASIS,)), trajectory(2, (8, 3), (COLD,)),
               trajectory(3, (8, 3), (COLD,)), trajectory(4, (8, 3), (BLOOD,))]
    labels = [rate.label for rate in responder_rates_by_pattern(courses)]
    assert labels == [COLD.label, STASIS.label, BLOOD.label]  # "Blood stasis" < "Liver…"


def test_an_empty_caseload_has_no_groups() -> None:
    assert responder_rates_by_pattern([]) == []
    assert responder_rates_by_protocol([], [protocol(1, "Calf cramps", "BL57")]) == []


# --- by protocol -----------------------------------------------------------------------

CALF = protocol(1, "Calf cramps", "BL57", "GB34", "LR3")
NIGHT = protocol(2, "Night cramps", "KI3", "SP6", "BL57")


def test_a_protocol_counts_when_one_visit_needled_all_its_points() -> None:
    courses = [
        # Visit 1 needled all of CALF plus an extra point.
        course(1, visit(0, 8, points=("BL57", "GB34", "LR3", "ST36")), visit(1, 3)),
        # CALF's points spread over two visits: not the protocol.
        course(2, visit(0, 8, points=("BL57", "GB34")), visit(1, 2, points=("LR3",))),
        # Both protocols, in different visits.
        course(3, visit(0, 6, points=("BL57", "GB34", "LR3")),
               visit(1, 5, points=("KI3", "SP6", "BL57"))),
        # Only NIGHT, a single visit.
        course(4, visit(0, 7, points=("KI3", "SP6", "BL57"))),
    ]
    rates = responder_rates_by_protocol(courses, [CALF, NIGHT], Thresholds())
    assert rates == [
        GroupRate("Calf cramps", patients=2, responders=1, undetermined=0),
        GroupRate("Night cramps", patients=2, responders=0, undetermined=1),
    ]
    assert rates[1].rate == 0.0


def test_protocol_points_match_whatever_the_spelling_of_the_code() -> None:
    liver = protocol(3, "Liver", "LV3", "Ren 12")
    courses = [course(1, visit(0, 8, points=("LR3", "CV12")), visit(1, 2))]
    assert responder_rates_by_protocol(courses, [liver]) == [GroupRate("Liver", 1, 1, 0)]


def test_custom_point_codes_match_exactly() -> None:
    extra = protocol(4, "Ear", "Shenmen (ear)")
    courses = [course(1, visit(0, 8, points=("Shenmen (ear)",)), visit(1, 8))]
    assert responder_rates_by_protocol(courses, [extra]) == [GroupRate("Ear", 1, 0, 0)]


def test_protocols_without_points_or_patients_are_left_out() -> None:
    empty = protocol(5, "Empty", )
    unused = protocol(6, "Unused", "HT7")
    courses = [course(1, visit(0, 8, points=("BL57", "GB34", "LR3")), visit(1, 2))]
    rates = responder_rates_by_protocol(courses, [empty, unused, CALF])
    assert [rate.label for rate in rates] == ["Calf cramps"]


def test_protocols_with_the_same_name_count_a_patient_once() -> None:
    twin = protocol(7, "Calf cramps", "BL57", "BL40")
    courses = [course(1, visit(0, 8, points=("BL57", "GB34", "LR3", "BL40")), visit(1, 2))]
    assert responder_rates_by_protocol(courses, [CALF, twin]) == [
        GroupRate("Calf cramps", 1, 1, 0)
    ]


# --- patient_timeline ------------------------------------------------------------------


def test_patient_timeline_lines_up_each_visit() -> None:
    patient = course(
        1,
        visit(1, None, (COLD, BLOOD), ("ST36", "LR3", "BL57")),
        visit(0, 8, (BLOOD,), ("GB34", "BL57", "LR3", "Ear point")),
        visit(2, 3, (), ("BL57",)),
    )
    lines = patient_timeline(patient, [CALF])
    assert lines == [
        VisitLine(START, (BLOOD,), ("BL57", "GB34", "LR3", "Ear point"), 8, ("Calf cramps",)),
        VisitLine(START + dt.timedelta(weeks=1), (BLOOD, COLD), ("BL57", "LR3", "ST36"), None,
                  ()),
        VisitLine(START + dt.timedelta(weeks=2), (), ("BL57",), 3, ()),
    ]


def test_points_sort_by_channel_then_number() -> None:
    patient = course(1, visit(0, 1, points=("LR14", "LR3", "BL57", "BL40", "zz custom")))
    line, = patient_timeline(patient)
    assert line.point_codes == ("BL40", "BL57", "LR3", "LR14", "zz custom")


def test_patient_timeline_of_no_visits_is_empty() -> None:
    assert patient_timeline(course(1)) == []


# --- tables that add up -------------------------------------------------------------------

def test_pattern_counts_reconcile_with_the_caseload() -> None:
    courses = [
        trajectory(1, (8, 2), (BLOOD, COLD)),  # a tie: counted under both patterns
        trajectory(2, (8, 6), (BLOOD,)),
        trajectory(3, (8, 2), (COLD,)),
        PatientCourse(4, ()),  # no visits, no pattern
    ]
    by_pattern, by_protocol, by_point = caseload_tables(courses, [CALF])
    assert by_pattern.caseload == 4
    assert by_pattern.grouped == 3 and by_pattern.in_several == 1
    assert by_pattern.row_total == by_pattern.grouped + by_pattern.in_several == 4
    summary = by_pattern.summary()
    assert "4 patients in the caseload: 3 in this table, 1 without a pattern" in summary
    assert "a patient with two patterns appears in both rows" in summary
    assert "the rows add up to 4" in summary
    assert all(rate.too_few for rate in by_pattern.rates), "fewer than 5 patients per row"
    assert by_point.caseload == 4 and by_protocol.title == "By protocol"


def test_a_row_of_five_patients_is_compared() -> None:
    courses = [trajectory(n, (8, 2), (BLOOD,)) for n in range(5)]
    [rate] = caseload_tables(courses, [])[0].rates
    assert rate.patients == 5 and not rate.too_few and rate.rate == 1.0
