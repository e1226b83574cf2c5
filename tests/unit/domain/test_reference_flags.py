"""Flags the reference library raises for a patient: worked examples over the fixture
library (tests/data/reference/)."""

from __future__ import annotations

import dataclasses

import pytest

from practitioner.content.reference import load_reference
from practitioner.domain.patient import (
    Condition,
    CrampProfile,
    CrampTiming,
    Medication,
    PatientInput,
    Trigger,
)
from practitioner.domain.reference_flags import (
    CONDITION_ENTRIES,
    Flag,
    medication_flags,
    open_red_flags,
    patient_flags,
)
from practitioner.domain.screen import SCREEN_CODES, SCREEN_QUESTIONS, RedFlagScreen
from tests.helpers.reference_library import fixture_entries

LIBRARY = fixture_entries()
WITHOUT_MEDICATION_NAMES = [e for e in LIBRARY if e.kind != "medication"]


def _meds(*names: str) -> list[Flag]:
    return medication_flags(names, LIBRARY)


def _entries(flags: list[Flag]) -> list[str]:
    return [f.entry for f in flags]


def _patient(**changes: object) -> PatientInput:
    return dataclasses.replace(PatientInput(name="Ann Lee"), **changes)  # type: ignore[arg-type]


# --- medications --------------------------------------------------------------------------


def test_the_acceptance_example_names_the_three_associations_with_reasons() -> None:
    flags = _meds("Indapamide 2.5mg", "Symbicort", "omeprazole")

    by_entry = {f.entry: f for f in flags}
    assert set(by_entry) == {"diuretics-thiazide", "long-acting-beta-agonists",
                             "proton-pump-inhibitors"}
    thiazide = by_entry["diuretics-thiazide"]
    assert "thiazide-like" in thiazide.reason and "Indapamide 2.5mg" in thiazide.reason
    assert "moderate" in thiazide.reason and thiazide.level == "caution"
    laba = by_entry["long-acting-beta-agonists"]
    assert "Symbicort" in laba.reason and "Long-acting beta-agonist" in laba.reason
    assert "strong" in laba.reason and laba.level == "caution"
    ppi = by_entry["proton-pump-inhibitors"]
    assert "low magnesium" in ppi.reason and "omeprazole" in ppi.reason
    assert "weak" in ppi.reason and ppi.level == "info"
    # Cautions before information.
    assert _entries(flags)[-1] == "proton-pump-inhibitors"


@pytest.mark.parametrize(
    ("typed", "entry", "name"),
    [
        ("Indapamide 2.5mg", "diuretics-thiazide", "indapamide"),
        ("indapamide 2.5 mg once daily", "diuretics-thiazide", "indapamide"),
        ("INDAPAMIDE", "diuretics-thiazide", "indapamide"),
        ("Symbicort 200/6 turbohaler", "long-acting-beta-agonists", "Symbicort"),
        ("symbicort", "long-acting-beta-agonists", "Symbicort"),
        ("Seretide 250 Accuhaler (salmeterol/fluticasone)", "long-acting-beta-agonists",
         "salmeterol"),
        ("Relvar Ellipta 92/22", "long-acting-beta-agonists", "Relvar Ellipta"),
        ("omeprazole 20 mg daily", "proton-pump-inhibitors", "omeprazole"),
        ("Nexium", "proton-pump-inhibitors", "Nexium"),
        ("Simvastatin 40 mg at night", "statins", "simvastatin"),
        ("chlorthalidone 25mg", "diuretics-thiazide", "chlortalidone"),
        ("Aldactone 25", "diuretics-potassium-sparing", "Aldactone"),
        ("coamilozide", "diuretics-potassium-sparing", "Co-amilozide"),
        ("Co Amilozide 5/50", "diuretics-potassium-sparing", "Co-amilozide"),
        ("Shao Yao Gan Cao Tang granules", "liquorice-gan-cao", "gan cao"),
        ("licorice root tea", "liquorice-gan-cao", "liquorice"),
        ("Schweppes tonic water", "quinine-and-tonic-water", "tonic water"),
        ("Quinine sulfate 200mg", "quinine-and-tonic-water", "quinine sulfate"),
    ],
)
def test_a_typed_name_matches_its_class(typed: str, entry: str, name: str) -> None:
    flags = [f for f in _meds(typed) if f.entry == entry]
    assert len(flags) == 1, _meds(typed)
    assert name in flags[0].reason


@pytest.mark.parametrize(
    "typed",
    ["Amlodipine 5 mg", "Metformin", "hydrochloride", "omeprazol", "statin", "salmeter",
     "tonic", "water", "Symbicortex", "", "   ", "2.5mg", "😀"],
)
def test_names_match_only_at_word_boundaries(typed: str) -> None:
    assert _meds(typed) == []


def test_a_combination_product_flags_each_class_it_belongs_to() -> None:
    assert sorted(_entries(_meds("Co-amilozide 5/50"))) == [
        "diuretics-potassium-sparing", "diuretics-thiazide"]


def test_level_follows_the_association_but_quinine_is_always_a_caution() -> None:
    levels = {f.entry: f.level for f in _meds(
        "amiloride", "indapamide", "simvastatin", "omeprazole", "quinine", "liquorice")}
    assert levels == {
        "diuretics-potassium-sparing": "caution",  # strong
        "diuretics-thiazide": "caution",  # moderate
        "liquorice-gan-cao": "caution",  # moderate
        "statins": "info",  # weak
        "proton-pump-inhibitors": "info",  # weak
        "quinine-and-tonic-water": "caution",  # list-only, flagged for its harms
    }


def test_liquorice_reason_says_it_lowers_potassium() -> None:
    [flag] = _meds("Gan Cao")
    assert "potassium" in flag.reason


def test_without_medication_entries_there_are_no_medication_flags() -> None:
    assert medication_flags(["indapamide"], WITHOUT_MEDICATION_NAMES) == []


# --- conditions, profile, screening --------------------------------------------------------


def test_each_condition_flags_its_entry_as_information() -> None:
    patient = _patient(conditions=frozenset({Condition.DIABETES, Condition.ANAEMIA}))
    flags = patient_flags(patient, LIBRARY)
    assert [(f.entry, f.level) for f in flags] == [("diabetes", "info"), ("anaemia", "info")]
    assert flags[0].title == "Diabetes"
    assert "Diabetes" in flags[0].reason


def test_a_condition_whose_entry_is_not_in_the_library_is_dropped() -> None:
    # The fixture library has no thyroid entry, as the shipped one may not while written.
    patient = _patient(conditions=frozenset({Condition.THYROID_DISORDER, Condition.DIABETES}))
    assert _entries(patient_flags(patient, LIBRARY)) == ["diabetes"]


def test_pregnancy_brings_its_cautions() -> None:
    flags = patient_flags(_patient(conditions=frozenset({Condition.PREGNANCY})), LIBRARY)
    assert [(f.entry, f.level) for f in flags] == [
        ("quinine-and-tonic-water", "caution"),
        ("tcm-points", "caution"),
        ("red-flag-dvt", "caution"),
        ("pregnancy-cramps", "info"),
    ]
    assert "SP6" in flags[1].reason


def test_cramps_only_with_exercise_point_to_exercise_associated_cramps() -> None:
    for timings in ({CrampTiming.DURING_EXERCISE},
                    {CrampTiming.DURING_EXERCISE, CrampTiming.AFTER_EXERCISE}):
        patient = _patient(profile=CrampProfile(timings=frozenset(timings)))
        assert _entries(patient_flags(patient, LIBRARY)) == ["exercise-associated-cramps"]
    mixed = _patient(profile=CrampProfile(
        timings=frozenset({CrampTiming.DURING_EXERCISE, CrampTiming.NOCTURNAL})))
    assert _entries(patient_flags(mixed, LIBRARY)) == ["idiopathic-nocturnal-leg-cramps"]


def test_triggers_flag_their_cause_entries() -> None:
    patient = _patient(profile=CrampProfile(
        triggers=frozenset({Trigger.HOT_WEATHER, Trigger.OVERUSE, Trigger.COLD})))
    assert _entries(patient_flags(patient, LIBRARY)) == ["muscle-overuse", "hot-weather"]


def test_the_screening_questions_map_to_the_red_flag_entries() -> None:
    assert {q.code: q.entry for q in SCREEN_QUESTIONS} == {
        "calf_swelling_warmth": "red-flag-dvt",
        "pain_on_walking_relieved_by_rest": "red-flag-claudication",
        "sudden_cold_pale_limb": "red-flag-acute-limb-ischaemia",
        "severe_pain_after_injury_or_exercise": "red-flag-compartment-syndrome",
        "progressive_weakness_or_wasting": "red-flag-progressive-weakness",
        "dark_urine": "red-flag-dark-urine",
        "tingling_around_mouth_or_spasm": "red-flag-tetany",
        "saddle_numbness_or_bladder_change": "red-flag-cauda-equina",
        "confusion_or_large_water_intake": "red-flag-hyponatraemia",
    }
    assert tuple(f.name for f in dataclasses.fields(RedFlagScreen)) == SCREEN_CODES


@pytest.mark.parametrize("question", SCREEN_QUESTIONS, ids=lambda q: q.code)
def test_each_yes_raises_its_red_flag_to_refer(question: object) -> None:
    code = question.code  # type: ignore[attr-defined]
    flags = patient_flags(_patient(screen=RedFlagScreen.from_codes([code])), LIBRARY)
    assert [(f.entry, f.level, f.key) for f in flags] == [
        (question.entry, "refer", question.entry)]  # type: ignore[attr-defined]
    assert question.question in flags[0].reason  # type: ignore[attr-defined]


def test_claudication_patient_on_a_diuretic_has_the_red_flag_first_then_the_caution() -> None:
    patient = _patient(
        medications=(Medication("Bendroflumethiazide", "2.5 mg"),),
        screen=RedFlagScreen(pain_on_walking_relieved_by_rest=True),
    )
    flags = patient_flags(patient, LIBRARY)
    assert [(f.entry, f.level) for f in flags] == [
        ("red-flag-claudication", "refer"), ("diuretics-thiazide", "caution")]
    assert "walking" in flags[0].reason


def test_dark_urine_on_a_statin_says_so() -> None:
    patient = _patient(medications=(Medication("Atorvastatin 20mg"),),
                       screen=RedFlagScreen(dark_urine=True))
    [red, statin] = patient_flags(patient, LIBRARY)
    assert red.entry == "red-flag-dark-urine" and "statin" in red.reason
    assert statin.entry == "statins"


def test_liquorice_with_a_thiazide_adds_an_interaction_caution() -> None:
    patient = _patient(medications=(Medication("indapamide"), Medication("Gan Cao")))
    keys = [f.key for f in patient_flags(patient, LIBRARY)]
    assert "interaction:liquorice:diuretics-thiazide" in keys


def test_the_same_flag_is_raised_once() -> None:
    patient = _patient(medications=(Medication("Indapamide"), Medication("indapamide 2.5mg"),
                                    Medication("INDAPAMIDE")))
    flags = patient_flags(patient, LIBRARY)
    assert len({f.key for f in flags}) == len(flags) == 2


def test_red_flags_without_a_review_are_open() -> None:
    patient = _patient(screen=RedFlagScreen(calf_swelling_warmth=True, dark_urine=True),
                       medications=(Medication("indapamide"),))
    flags = patient_flags(patient, LIBRARY)
    assert _entries(open_red_flags(flags, [])) == ["red-flag-dvt", "red-flag-dark-urine"]
    assert _entries(open_red_flags(flags, ["red-flag-dvt"])) == ["red-flag-dark-urine"]


def test_a_screen_from_unknown_codes_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown screening question"):
        RedFlagScreen.from_codes(["dark_urine", "third_eye"])


# --- the slugs the flags use exist in the shipped library ------------------------------------

FLAG_SLUGS = {
    *CONDITION_ENTRIES.values(), *(q.entry for q in SCREEN_QUESTIONS),
    "exercise-associated-cramps", "idiopathic-nocturnal-leg-cramps", "long-acting-beta-agonists",
    "diuretics-thiazide", "diuretics-potassium-sparing", "statins", "proton-pump-inhibitors",
    "quinine-and-tonic-water", "liquorice-gan-cao",
}


def test_every_slug_the_flags_use_is_in_the_shipped_library() -> None:
    shipped = {e.slug for e in load_reference()}
    assert sorted(FLAG_SLUGS - shipped) == []


SHIPPED = load_reference()


@pytest.mark.parametrize("diuretic", ["furosemide 40mg", "Bumetanide", "indapamide",
                                      "bendroflumethiazide", "prednisolone 5mg"])
def test_liquorice_with_any_potassium_lowering_medicine_adds_the_caution(
        diuretic: str) -> None:
    patient = _patient(medications=(Medication(diuretic), Medication("Shao Yao Gan Cao Tang")))
    cautions = [f for f in patient_flags(patient, SHIPPED)
                if f.key.startswith("interaction:liquorice:")]
    assert len(cautions) == 1 and cautions[0].level == "caution"
    assert "potassium" in cautions[0].reason


def test_liquorice_with_a_potassium_sparing_diuretic_adds_no_low_potassium_caution() -> None:
    patient = _patient(medications=(Medication("amiloride"), Medication("liquorice")))
    assert not [f for f in patient_flags(patient, SHIPPED)
                if f.key.startswith("interaction:liquorice:")]


@pytest.mark.parametrize("typed", ["quinine", "Quinine sulfate 200mg", "tonic water",
                                   "Qualaquin"])
def test_the_quinine_flag_calls_it_a_treatment_not_a_cause(typed: str) -> None:
    [flag] = [f for f in medication_flags([typed], SHIPPED)
              if f.entry == "quinine-and-tonic-water"]
    reason = flag.reason.lower()
    assert "evidence of an association with cramps" not in reason
    assert "taken to treat cramps, not a cause" in reason and "harms" in reason
    assert "a brand listed" not in reason or typed == "Qualaquin"


@pytest.mark.parametrize("condition", [Condition.DIABETES, Condition.PERIPHERAL_NEUROPATHY,
                                       Condition.PERIPHERAL_ARTERIAL_DISEASE])
def test_an_at_risk_foot_brings_the_needling_and_moxa_caution(condition: Condition) -> None:
    flags = patient_flags(_patient(conditions=frozenset({condition})), SHIPPED)
    [caution] = [f for f in flags if f.entry == "needling-in-the-at-risk-limb"]
    assert caution.level == "caution" and "moxa" in caution.reason


def test_the_at_risk_limb_caution_is_raised_once_for_several_conditions() -> None:
    patient = _patient(conditions=frozenset({Condition.DIABETES,
                                             Condition.PERIPHERAL_NEUROPATHY}))
    assert [f.key for f in patient_flags(patient, SHIPPED)].count("at-risk-limb") == 1


def test_a_ppi_with_a_loop_diuretic_notes_magnesium() -> None:
    patient = _patient(medications=(Medication("omeprazole"), Medication("furosemide")))
    [note] = [f for f in patient_flags(patient, SHIPPED) if f.key == "interaction:ppi-diuretic"]
    assert "magnesium" in note.reason


def test_the_tetany_screen_answer_names_over_breathing() -> None:
    patient = _patient(screen=RedFlagScreen(tingling_around_mouth_or_spasm=True))
    [red] = patient_flags(patient, SHIPPED)
    assert red.level == "refer" and "hyperventilation" in red.reason


def test_pregnancy_lists_bl67_among_the_points_avoided() -> None:
    flags = patient_flags(_patient(conditions=frozenset({Condition.PREGNANCY})), SHIPPED)
    [points] = [f for f in flags if f.key == "pregnancy:points"]
    assert "BL67" in points.reason and "distal" not in points.reason
