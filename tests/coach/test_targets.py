import subprocess
import sys

import pytest
from coach_fakes import face

from appliance.coach.targets import target_from_data
from appliance.errors import ConfigError


def test_a_pure_target_reads_its_label_scaled_to_full_at():
    target = target_from_data({"type": "mixture", "weights": {"happiness": 1}})
    assert target.match(face(happiness=0.4), full_at=0.8) == pytest.approx(50.0)
    assert target.match(face(happiness=0.9), full_at=0.8) == 100.0


@pytest.mark.parametrize(
    "data",
    [{"weights": {"joy": 1}}, {"weights": {}}, {"weights": {"anger": -1}}, {"type": "landmarks", "weights": {}}],
)
def test_bad_targets_are_config_errors(data):
    with pytest.raises(ConfigError):
        target_from_data(data)


def test_every_coach_module_imports_first_in_a_fresh_interpreter():
    # An import cycle only shows when its other end is imported first (feature_targets before
    # targets once raised ImportError), so each module is imported with no appliance module loaded.
    code = (
        "import importlib, pkgutil, sys, appliance.coach as coach\n"
        "names = [f'appliance.coach.{m.name}' for m in pkgutil.iter_modules(coach.__path__)]\n"
        "for name in names:\n"
        "    for loaded in [m for m in sys.modules if m.startswith('appliance')]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module(name)\n"
        "print(len(names))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 20  # the whole package was walked
