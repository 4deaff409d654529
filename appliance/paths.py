"""Where the appliance keeps the user's things (XDG base directories)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "appliance"

PROJECT_DIR = Path(__file__).resolve().parent.parent
"""The checkout the appliance runs from, when it is installed editable (as the README does)."""


def _models_dir() -> Path:
    # An editable install runs beside the checkout's models/; a wheel puts them in the
    # environment's share/ folder (pyproject's data-files).
    checkout = PROJECT_DIR / "models"
    return checkout if checkout.is_dir() else Path(sys.prefix) / "share" / APP_NAME / "models"


MODELS_DIR = _models_dir()
"""The shipped TFLite models, their card and notices."""


def _xdg(variable: str, fallback: str) -> Path:
    value = os.environ.get(variable)
    return Path(value) if value and os.path.isabs(value) else Path.home() / fallback


def data_dir() -> Path:
    """Practice history and other things the user would miss: $XDG_DATA_HOME/appliance."""
    return _xdg("XDG_DATA_HOME", ".local/share") / APP_NAME


def config_dir() -> Path:
    """Settings: $XDG_CONFIG_HOME/appliance."""
    return _xdg("XDG_CONFIG_HOME", ".config") / APP_NAME


def state_dir() -> Path:
    """Logs: $XDG_STATE_HOME/appliance."""
    return _xdg("XDG_STATE_HOME", ".local/state") / APP_NAME
