"""On every set with people's own neutral faces, the reading with the neutral is at least as good as without."""

import pytest

from appliance.reading_eval import LONDON_DIR, learned_reading, london_people, london_summary


@pytest.mark.slow
@pytest.mark.skipif(not (LONDON_DIR / "labels.csv").is_file(), reason="../shared (the London set) is not present")
def test_on_the_london_set_a_calibrated_person_is_read_at_least_as_well_as_an_uncalibrated_one():
    summary = london_summary(london_people(), learned_reading)
    own, none = summary["with_neutral"], summary["without_neutral"]
    assert own["smiles_read_as_happiness"] >= none["smiles_read_as_happiness"]
    assert own["neutrals_read_as_neutral"] >= none["neutrals_read_as_neutral"]
    for group, figures in own["by_group"].items():
        assert figures["smiles"] >= none["by_group"][group]["smiles"], group
