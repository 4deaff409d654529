"""All the doctor's checks, with the real devices, in the order a person would look."""

from __future__ import annotations

from pathlib import Path

from appliance.config import Config
from appliance.doctor import Check, guarded
from appliance.doctor.hardware import check_camera, check_display, check_display_power, check_gpio
from appliance.doctor.system import check_clock, check_config, check_models, check_storage


def open_camera(config: Config):
    from appliance.camera.factory import open_source

    camera = config.camera
    return open_source("camera", size=(camera.width, camera.height), fps=camera.fps)


def run_checks(config_path: Path | None = None, model: Path | None = None) -> tuple[list[Check], Config]:
    from appliance.paths import MODELS_DIR, data_dir

    config_check, config = check_config(config_path)
    checks = [
        guarded("camera", check_camera, lambda: open_camera(config)),
        guarded("models", check_models, MODELS_DIR, model=model),
        guarded("display", check_display, config),
        guarded("display power", check_display_power, config),
        guarded("gpio", check_gpio, config),
        config_check,
        guarded("storage", check_storage, data_dir()),
        guarded("clock", check_clock),
    ]
    return checks, config
