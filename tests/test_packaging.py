"""pyproject's dependencies as pip evaluates them on the Pi (aarch64) and on a dev machine."""

import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def numpy_specifiers(machine: str):
    environment = {**default_environment(), "platform_machine": machine}
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    requirements = [Requirement(line) for line in dependencies]
    return [r.specifier for r in requirements if r.name == "numpy" and (not r.marker or r.marker.evaluate(environment))]


def test_on_the_pi_numpy_stays_below_2_so_apts_numpy_1_24_is_kept():
    (specifier,) = numpy_specifiers("aarch64")
    assert specifier.contains("1.24.2") and specifier.contains("1.26.4")
    assert not specifier.contains("2.0.0")


@pytest.mark.parametrize("machine", ["x86_64", "armv7l"])
def test_elsewhere_numpy_2_is_allowed(machine):
    (specifier,) = numpy_specifiers(machine)
    assert specifier.contains("2.4.0") and specifier.contains("1.26.4")
