"""The settings screen's rows and what the buttons do on it (pure: no Kivy)."""

from __future__ import annotations

from dataclasses import dataclass

from appliance.coach.view import MenuItem
from appliance.config import Config, default_path
from appliance.messages import Command

BUTTONS = "NEXT: move (hold: back) · SELECT: change · BACK: leave"


@dataclass
class SettingsPanel:
    config: Config
    source_name: str
    preview: bool = False
    index: int = 0
    is_open: bool = False

    def rows(self) -> list[MenuItem]:
        pins = self.config.buttons.pins
        wiring = " · ".join(f"{name} GPIO{pin}" for name, pin in pins.items())
        led = f"LED GPIO{self.config.buttons.led}" if self.config.buttons.led is not None else "no LED"
        return [
            MenuItem(
                "preview", f"Camera preview: {'on' if self.preview else 'off'}", "a small picture to find your place"
            ),
            MenuItem("source", f"Camera: {self.source_name}", "--source, or source in config.toml"),
            MenuItem("buttons", f"Long press: {self.config.buttons.hold_time:.1f} s", f"{wiring} · {led}"),
            MenuItem("file", "Settings file", str(self.config.path or default_path())),
        ]

    def handle(self, command: Command) -> str | None:
        """Apply a command; returns "close" when the panel is left, "preview" when it toggled."""
        count = len(self.rows())
        if command is Command.NEXT:
            self.index = (self.index + 1) % count
        elif command is Command.PREVIOUS:
            self.index = (self.index - 1) % count
        elif command is Command.SELECT and self.rows()[self.index].key == "preview":
            self.preview = not self.preview
            return "preview"
        elif command in (Command.BACK, Command.END):
            self.is_open = False
            return "close"
        return None
