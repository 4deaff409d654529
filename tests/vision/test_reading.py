import numpy as np
import pytest

from appliance.vision.classifier import EXPRESSIONS
from appliance.vision.features import FEATURES, SCALES
from appliance.vision.reading import (
    DERIVED_CUES,
    PRIOR_POWER,
    PROTOTYPES,
    REST,
    TRAINING_PRIOR,
    TYPICAL_REST,
    both_corners,
    explain,
    fused,
    geometry_evidence,
    interfering_cues,
    missing_cues,
    on_own_evidence,
    personal_appearance,
    personal_gains,
)

UNIFORM = np.full(len(EXPRESSIONS), 1 / len(EXPRESSIONS))


def face(**moved):
    """A feature vector: everything at the neutral face except what is named."""
    assert set(moved) <= set(FEATURES)
    return {name: float(moved.get(name, 0.0)) for name in FEATURES}


def label(reading):
    return EXPRESSIONS[int(np.argmax(reading))]


FEAR = face(brow_raise=0.7, brow_lower=0.6, eye_widen=0.7, lip_stretch=0.7, jaw_drop=0.3)
SURPRISE = face(brow_raise=0.7, eye_widen=0.7, jaw_drop=0.7)


# --- priors --------------------------------------------------------------------------------


def test_the_training_prior_is_a_distribution_over_the_expressions():
    prior = np.array(TRAINING_PRIOR)
    assert prior.shape == (len(EXPRESSIONS),) and np.all(prior > 0)
    assert prior.sum() == pytest.approx(1.0, abs=1e-3)
    assert prior[EXPRESSIONS.index("neutral")] > prior[EXPRESSIONS.index("fear")]


def test_uniform_evidence_gives_a_uniform_reading():
    # The model's output on a face that tells it nothing is its prior; judged on evidence alone
    # (power 1), that is no reason to prefer any expression.
    assert on_own_evidence(TRAINING_PRIOR, power=1.0) == pytest.approx(UNIFORM, abs=1e-6)
    assert fused(TRAINING_PRIOR, None, power=1.0) == pytest.approx(UNIFORM, abs=1e-6)
    assert fused(TRAINING_PRIOR, face(), power=1.0) == pytest.approx(UNIFORM, abs=1e-6)  # nothing moved


def test_the_prior_power_moves_between_the_model_and_its_evidence():
    model = np.array([0.4, 0.2, 0.1, 0.1, 0.08, 0.04, 0.05, 0.03])
    assert on_own_evidence(model, power=0.0) == pytest.approx(model / model.sum(), abs=1e-6)
    rare = EXPRESSIONS.index("fear")
    readings = [on_own_evidence(model, power=p)[rare] for p in (0.0, PRIOR_POWER, 1.0)]
    assert readings == sorted(readings)  # a rare class gains as more of the prior is divided out
    assert 0 < PRIOR_POWER < 1
    tempered = on_own_evidence(TRAINING_PRIOR)  # the shipped power keeps some prior
    assert np.ptp(tempered) < np.ptp(TRAINING_PRIOR)


# --- fusion --------------------------------------------------------------------------------


def test_a_fear_prototype_reads_as_fear_not_surprise():
    reading = fused(UNIFORM, FEAR, "personal", power=0.0)
    assert label(reading) == "fear"
    assert reading[EXPRESSIONS.index("fear")] > 2 * reading[EXPRESSIONS.index("surprise")]


def test_the_same_brows_and_eyes_with_a_dropped_jaw_and_no_stretch_read_as_surprise():
    reading = fused(UNIFORM, SURPRISE, "personal", power=0.0)
    assert label(reading) == "surprise"
    assert reading[EXPRESSIONS.index("surprise")] > 2 * reading[EXPRESSIONS.index("fear")]


def test_a_one_sided_corner_reads_as_contempt_and_a_both_sided_smile_as_happiness():
    assert label(fused(UNIFORM, face(asymmetry=0.7, smile=0.3), "personal", power=0.0)) == "contempt"
    assert label(fused(UNIFORM, face(smile=0.7, eye_narrow=0.4), "personal", power=0.0)) == "happiness"


def test_a_broad_uneven_smile_is_happiness_and_a_one_sided_pull_contempt():
    # Corners up by 0.09 and 0.07 canonical units: a broad smile, one side a quarter weaker.
    broad = face(smile=min(1.0, 0.08 / SCALES["smile"]), asymmetry=0.02 / SCALES["asymmetry"])
    pulled = face(smile=0.03 / 2 / SCALES["smile"], asymmetry=min(1.0, 0.03 / SCALES["asymmetry"]))
    assert broad["asymmetry"] > 0.4  # as much as a one-sided pull moves it
    assert label(fused(UNIFORM, broad, "personal", power=0.0)) == "happiness"
    assert label(fused(UNIFORM, pulled, "personal", power=0.0)) == "contempt"


def test_against_the_population_a_lopsided_mouth_is_not_taken_for_contempt():
    # Strangers' faces differ from the average face by their own shape: asymmetry against the
    # population neutral is how many people look at rest, so it adds no evidence.
    lopsided = face(asymmetry=0.7, smile=0.3)
    assert geometry_evidence(lopsided, "population")[EXPRESSIONS.index("contempt")] == 0
    assert geometry_evidence(lopsided, "personal")[EXPRESSIONS.index("contempt")] > 1


def test_against_ones_own_neutral_the_same_excess_counts_by_how_much_narrower_rest_is():
    rest = {
        "population": {"happiness": 0.2, "anger": 0.3, "fear": 0.1, "sadness": 1.0},
        "personal": {"happiness": 0.05, "anger": 0.1, "fear": 0.05, "sadness": 0.4},
    }
    # Ratios 4, 3 and 2 (sadness's population zone is the whole range: no ratio): the median, 3,
    # for every prototype alike.
    assert personal_gains({"happiness": 2.0, "sadness": 1.0}, rest) == {"happiness": 6.0, "sadness": 3.0}
    wider = {"population": {"happiness": 0.1}, "personal": {"happiness": 0.2}}
    assert personal_gains({"happiness": 2.0}, wider) == {"happiness": 2.0}  # never less than the population's
    happy = EXPRESSIONS.index("happiness")
    own, stranger = geometry_evidence(face(smile=0.9), "personal"), geometry_evidence(face(smile=0.9), "population")
    assert own[happy] > stranger[happy] > 0


def test_a_movement_within_the_landmarks_jitter_adds_nothing():
    within = REST["personal"]["happiness"] * 0.9  # a smile this small is the landmarks' own jitter
    assert not geometry_evidence(face(smile=within), "personal").any()
    assert geometry_evidence(face(smile=0.3), "personal")[EXPRESSIONS.index("happiness")] > 0
    assert not geometry_evidence(face(smile=0.9), "").any()  # no landmarks' neutral named: no geometry


@pytest.mark.parametrize(
    ("expected", "features"),
    [
        ("anger", face(brow_lower=0.7, eye_narrow=0.6, lip_press=0.7)),
        ("anger", face(brow_lower=0.7, eye_widen=0.7)),  # the glare: brows down, lids up
        ("anger", face(brow_lower=0.7, lip_press=0.7)),
        ("disgust", face(nose_wrinkle=0.8, brow_lower=0.3)),
        ("sadness", face(mouth_corners_down=0.7, brow_raise=0.2)),
    ],
)
def test_each_prototype_reads_as_its_expression(expected, features):
    assert label(fused(UNIFORM, features, "personal", power=0.0)) == expected


def test_a_still_face_adds_no_geometric_evidence_and_the_appearance_decides():
    assert geometry_evidence(face()) == pytest.approx(np.zeros(len(EXPRESSIONS)))
    assert geometry_evidence({}) == pytest.approx(np.zeros(len(EXPRESSIONS)))
    sad = np.array([0.2, 0.05, 0.05, 0.55, 0.05, 0.04, 0.03, 0.03])
    assert label(fused(sad, face())) == "sadness"


def test_strong_appearance_evidence_is_not_overruled_by_a_faint_movement():
    happy = np.array([0.02, 0.9, 0.02, 0.02, 0.01, 0.01, 0.01, 0.01])
    assert label(fused(happy, face(brow_lower=0.1, lip_press=0.1, eye_narrow=0.1))) == "happiness"


def test_the_reading_is_a_distribution():
    reading = fused(np.array([0.3, 0.3, 0.1, 0.1, 0.1, 0.03, 0.04, 0.03]), FEAR)
    assert reading.dtype == np.float32 and reading.sum() == pytest.approx(1.0, abs=1e-5)
    assert np.all(reading >= 0)


# --- explanations --------------------------------------------------------------------------


def test_missing_cues_name_the_cue_of_the_target_that_has_not_moved():
    almost_fear = {**FEAR, "lip_stretch": 0.05}
    assert missing_cues("fear", almost_fear) == ["lip_stretch"]
    assert missing_cues("fear", FEAR) == []
    assert missing_cues("anger", face()) == ["brow_lower", "lip_press"]  # lips, stare or glare: the lips named
    assert missing_cues("anger", face(brow_lower=0.6, eye_widen=0.6)) == []  # a glare will do
    assert missing_cues("happiness", face(smile=0.3, asymmetry=1.0)) == ["smile"]  # one corner is not a smile
    assert missing_cues("neutral", FEAR) == []
    assert missing_cues("not an expression", FEAR) == []


def test_interfering_cues_name_what_should_stay_still():
    assert interfering_cues("surprise", FEAR) == ["lip_stretch", "brow_lower"]
    assert interfering_cues("surprise", SURPRISE) == []
    assert interfering_cues("neutral", face(smile=0.5)) == ["smile"]


def test_every_prototype_uses_only_named_features_and_derived_cues():
    for prototype in PROTOTYPES.values():
        names = {n for cue in prototype.cues for n in (cue if isinstance(cue, tuple) else (cue,))}
        assert names | set(prototype.support + prototype.against) <= set(FEATURES) | set(DERIVED_CUES)
        assert prototype.expression in EXPRESSIONS


def test_both_corners_is_the_lesser_corners_smile():
    assert both_corners(face(smile=0.5)) == pytest.approx(0.5)
    # One corner up by s (the other still): smile is half its movement, asymmetry all of it.
    one_side = 0.04
    lopsided = face(smile=one_side / 2 / SCALES["smile"], asymmetry=one_side / SCALES["asymmetry"])
    assert both_corners(lopsided) == pytest.approx(0.0, abs=1e-9)


def test_explain_splits_the_reading_into_appearance_and_geometry():
    parts = explain(UNIFORM, FEAR, "personal")
    assert set(parts) == set(EXPRESSIONS)
    assert parts["fear"]["geometry"] > parts["surprise"]["geometry"] > 0
    assert parts["neutral"]["geometry"] == 0


# --- the person's own resting face ---------------------------------------------------------


def test_a_person_s_own_resting_face_reads_as_a_typical_resting_face():
    looks_sad_at_rest = np.array([0.55, 0.02, 0.01, 0.35, 0.03, 0.01, 0.01, 0.02])
    assert personal_appearance(looks_sad_at_rest, looks_sad_at_rest) == pytest.approx(
        np.exp(TYPICAL_REST) / np.exp(TYPICAL_REST).sum(), abs=1e-6
    )
    assert label(fused(looks_sad_at_rest, resting=looks_sad_at_rest)) == "neutral"


def test_calibration_leaves_a_resting_face_reading_clearly_neutral():
    # Whoever the person, their resting face against itself reads as the typical resting face:
    # clearly neutral, not the half-sad face a mean over faces the crowd split over would give.
    for resting in (np.array([0.97, 0.01, 0.003, 0.01, 0.002, 0.002, 0.001, 0.002]), UNIFORM):
        reading = fused(resting, resting=resting)
        assert reading[0] >= 0.8 and reading[1:].max() < 0.1


def test_a_subtle_smile_counts_against_a_resting_face_that_shows_none():
    resting = np.array([0.9, 0.004, 0.01, 0.05, 0.01, 0.01, 0.006, 0.01])
    subtle = np.array([0.7, 0.2, 0.01, 0.04, 0.01, 0.01, 0.01, 0.02])
    assert label(fused(subtle)) == "neutral"  # to a stranger's eye, still neutral
    assert label(fused(subtle, resting=resting)) == "happiness"  # against this person's own rest, a smile


def test_without_a_resting_face_the_appearance_is_unchanged():
    p = np.array([0.3, 0.3, 0.1, 0.1, 0.1, 0.03, 0.04, 0.03])
    assert personal_appearance(p) == pytest.approx(p)


def test_the_typical_subtle_smile_against_ones_own_face_reads_as_the_crowd_split_it():
    # The smile's scale puts the median FER+ subtle smile (the crowd split half happiness, half
    # neutral) at twice SMILE_THRESHOLD.  Against a person's own neutral face, with the model
    # seeing no change from their resting face, that movement reads happiness as likely as neutral.
    from appliance.vision.features import SMILE_THRESHOLD
    from appliance.vision.reading import GAINS, GAINS_BY_NEUTRAL, TYPICAL_REST, subtle_smile_gain

    resting = np.exp(np.array(TYPICAL_REST)) / np.exp(np.array(TYPICAL_REST)).sum()  # any resting reading will do
    happy, neutral = EXPRESSIONS.index("happiness"), EXPRESSIONS.index("neutral")
    typical = fused(resting, face(smile=2 * SMILE_THRESHOLD), "personal", resting=resting)
    assert typical[happy] == pytest.approx(typical[neutral], abs=0.01)
    assert GAINS_BY_NEUTRAL["personal"]["happiness"] == subtle_smile_gain() > GAINS_BY_NEUTRAL["personal"]["fear"]
    half = fused(resting, face(smile=SMILE_THRESHOLD), "personal", resting=resting)
    assert half[neutral] > 4 * half[happy]  # a smile just made is still mostly rest
    # Against the average face the common gain stays: a stranger's mouth shape is not a movement.
    assert GAINS_BY_NEUTRAL["population"]["happiness"] == GAINS["happiness"] < subtle_smile_gain()
    assert fused(resting, face(smile=0.4), "population")[happy] < 0.2
