"""The header's GPIO chip found by its label, and gpiozero's lgpio factory opened on it, against a fake
lgpio module (gpiozero 2.0.1's own pins/lgpio.py runs on top of it)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory

from appliance import controls
from appliance.controls import Controls, header_chip, header_pin_factory

PI5_KERNEL_6_6_45 = {0: "pinctrl-rp1", 10: "gpio-brcmstb@107d508500", 11: "gpio-brcmstb@107d508520"}
PI5_OLDER_KERNEL = {0: "gpio-brcmstb@107d508500", 1: "gpio-brcmstb@107d508520", 4: "pinctrl-rp1"}
PI4 = {0: "pinctrl-bcm2711", 1: "raspberrypi-exp-gpio"}
PI5_REVISION = 0xC04170  # a Pi 5 8GB: gpiozero 2.0.1 reads (revision & 0xff0) >> 4 == 0x17


def dev_with(tmp_path: Path, labels: dict[int, str], *, compat_link: bool = False):
    """A /dev with gpiochipN nodes (files) and a label reader answering as GPIO_GET_CHIPINFO would."""
    dev = tmp_path / "dev"
    dev.mkdir()
    for number in labels:
        (dev / f"gpiochip{number}").touch()
    if compat_link:  # Raspberry Pi OS's udev rule: gpiochip4 -> gpiochip0 for old programs
        (dev / "gpiochip4").symlink_to("gpiochip0")
    return dev, lambda path: labels[int(path.name[8:])]


@pytest.mark.parametrize(
    ("labels", "expected"), [(PI5_KERNEL_6_6_45, 0), (PI5_OLDER_KERNEL, 4), (PI4, 0), ({0: "gpio-mockup-A"}, None)]
)
def test_the_header_chip_is_found_by_its_label(tmp_path, labels, expected):
    dev, label = dev_with(tmp_path, labels, compat_link=expected == 0 and 10 in labels)
    assert header_chip(dev, label=label) == expected


@pytest.fixture
def fake_lgpio(monkeypatch):
    """lgpio as gpiozero 2.0.1 uses it at import and in its factory: only the chips in ``present`` open."""
    module = types.ModuleType("lgpio")
    module.present, module.opened = {0}, []

    class LgpioError(Exception):
        pass

    def gpiochip_open(chip):
        if chip not in module.present:
            raise LgpioError("can not open gpiochip")
        module.opened.append(chip)
        return 100 + chip

    module.error = LgpioError
    module.gpiochip_open, module.gpiochip_close = gpiochip_open, lambda handle: None
    for name, value in {"SET_PULL_NONE": 0, "SET_PULL_UP": 1, "SET_PULL_DOWN": 2}.items():
        setattr(module, name, value)
    module.BOTH_EDGES, module.RISING_EDGE, module.FALLING_EDGE = 3, 1, 2
    monkeypatch.setitem(sys.modules, "lgpio", module)
    monkeypatch.delitem(sys.modules, "gpiozero.pins.lgpio", raising=False)
    import gpiozero.pins.local

    monkeypatch.setattr(gpiozero.pins.local, "get_pi_revision", lambda: PI5_REVISION)
    monkeypatch.delenv("GPIOZERO_PIN_FACTORY", raising=False)
    return module


def as_in_gpiozero_2_0_1(monkeypatch):
    """LGPIOFactory.__init__ as tagged v2.0.1 has it (pins/lgpio.py:64-69), which is what apt's
    python3-gpiozero brings to the venv: chip= is ignored and any Pi 5 gets gpiochip4.  (PyPI's
    2.0.1.post3, installed here, honours chip= and checks that /dev/gpiochip4 exists.)"""
    import lgpio
    from gpiozero.pins.lgpio import LGPIOFactory, LGPIOPin
    from gpiozero.pins.local import LocalPiFactory

    def init(self, chip=None):
        LocalPiFactory.__init__(self)
        chip = 4 if (self._get_revision() & 0xFF0) >> 4 == 0x17 else 0
        self._handle = lgpio.gpiochip_open(chip)
        self._chip = chip
        self.pin_class = LGPIOPin

    monkeypatch.setattr(LGPIOFactory, "__init__", init)
    return LGPIOFactory


def test_gpiozero_2_0_1_alone_opens_gpiochip4_on_a_pi_5(fake_lgpio, monkeypatch):
    # What the fix works around (gpiozero issue 1166): since kernel 6.6.45 the header is gpiochip0.
    factory_class = as_in_gpiozero_2_0_1(monkeypatch)
    with pytest.raises(fake_lgpio.error, match="can not open gpiochip"):
        factory_class(chip=0)


def test_with_gpiozero_2_0_1_the_header_chip_is_opened_all_the_same(tmp_path, fake_lgpio, monkeypatch):
    as_in_gpiozero_2_0_1(monkeypatch)
    dev, label = dev_with(tmp_path, PI5_KERNEL_6_6_45)
    factory = header_pin_factory(dev=dev, label=label)
    assert factory.chip == 0 and fake_lgpio.opened == [0]
    factory.close()


def test_the_factory_opens_the_header_chip_the_kernel_numbers(tmp_path, fake_lgpio):
    dev, label = dev_with(tmp_path, PI5_KERNEL_6_6_45)
    factory = header_pin_factory(dev=dev, label=label)
    assert factory.chip == 0 and fake_lgpio.opened == [0]
    from gpiozero.pins.lgpio import LGPIOFactory, LGPIOPin

    assert isinstance(factory, LGPIOFactory) and factory.pin_class is LGPIOPin
    factory.close()


def test_a_chip_that_cannot_be_opened_leaves_the_choice_to_gpiozero(tmp_path, fake_lgpio):
    fake_lgpio.present = set()
    dev, label = dev_with(tmp_path, PI5_KERNEL_6_6_45)
    assert header_pin_factory(dev=dev, label=label) is None


def test_a_pin_factory_chosen_in_the_environment_is_left_to_gpiozero(tmp_path):
    dev, label = dev_with(tmp_path, PI5_KERNEL_6_6_45)
    assert header_pin_factory(dev=dev, label=label, environ={"GPIOZERO_PIN_FACTORY": "mock"}) is None


def test_controls_use_the_header_factory_and_close_it(monkeypatch):
    factory = MockFactory()
    closed = []
    monkeypatch.setattr(factory, "close", lambda: closed.append(True))
    monkeypatch.setattr(controls, "header_pin_factory", lambda: factory)
    buttons = Controls(lambda command: None, led_pin=None)
    assert all(button.button.pin_factory is factory for button in buttons.buttons.values())
    buttons.close()
    assert closed == [True]
