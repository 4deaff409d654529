"""The Kivy app: a black, fullscreen mirror that renders Views and sends Commands.

``MirrorRoot`` is the whole picture (screens, press dot, optional preview, screen-off
blackout) and renders without a running App, which the tests use.  ``MirrorApp`` adds the
window, the keyboard and the life cycle.  GL work only happens here, on Kivy's main thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from kivy.app import App
from kivy.factory import Factory
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import BooleanProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.image import Image
from kivy.uix.screenmanager import NoTransition, ScreenManager
from kivy.uix.widget import Widget

from appliance.coach.view import MenuItem, View
from appliance.controls import command_for_key
from appliance.messages import Command
from appliance.ui.screens import SCREEN_CLASSES, SETTINGS, SettingsScreen
from appliance.ui.theme import theme
from appliance.ui.widgets import PressDot

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
_loaded: list[str] = []


def load_kv() -> None:
    """Load the .kv rules once per process (Kivy would apply rules loaded twice twice)."""
    if _loaded:
        return
    import appliance.ui.charts  # noqa: F401  (registers the chart classes the rules name)
    import appliance.ui.screens  # noqa: F401

    for name in ("widgets.kv", "screens.kv"):
        Builder.load_file(str(HERE / name))
        _loaded.append(name)


class Preview(Image):
    """A small grey camera picture for positioning oneself (off by default: the mirror is the picture)."""

    def show_frame(self, gray) -> None:
        height, width = gray.shape[:2]
        if self.texture is None or self.texture.size != (width, height):
            self.texture = Texture.create(size=(width, height), colorfmt="luminance")
            self.texture.flip_vertical()
        self.texture.blit_buffer(gray.tobytes(), colorfmt="luminance", bufferfmt="ubyte")
        self.canvas.ask_update()


class MirrorRoot(FloatLayout):
    screen_off = BooleanProperty(False)

    def __init__(self, **kwargs) -> None:
        load_kv()
        super().__init__(**kwargs)
        self.manager = ScreenManager(transition=NoTransition())
        for screen, cls in SCREEN_CLASSES.items():
            self.manager.add_widget(cls(name=screen.value))
        self.manager.add_widget(SettingsScreen(name=SETTINGS))
        self.add_widget(self.manager)
        self.preview = Preview(size_hint=(0.22, 0.14), pos_hint={"right": 0.98, "top": 0.63}, opacity=0)
        self.add_widget(self.preview)
        self.dot = PressDot(pos_hint={"right": 0.985, "y": 0.01})
        self.add_widget(self.dot)
        self.demo_badge = Factory.DemoBadge(opacity=0)  # the picture is a demo face, not this person
        self.add_widget(self.demo_badge)
        self.blackout = Widget(opacity=0)
        with self.blackout.canvas:
            from kivy.graphics import Color, Rectangle

            Color(0, 0, 0, 1)
            self._blackout_rect = Rectangle()
        self.blackout.bind(pos=self._fit_blackout, size=self._fit_blackout)
        self.add_widget(self.blackout)
        self.view = View()

    def _fit_blackout(self, widget, _value) -> None:
        self._blackout_rect.pos, self._blackout_rect.size = widget.pos, widget.size

    def show(self, view: View) -> None:
        """Render ``view``: pick its screen and hand the view to it (the screen sets its properties)."""
        self.view = view
        name = view.screen.value
        self.manager.get_screen(name).view = view
        if self.manager.current != name:
            self.manager.current = name

    def show_settings(self, rows: list[MenuItem], index: int, buttons: str = "", heading: str = "") -> None:
        screen = self.manager.get_screen(SETTINGS)
        screen.rows, screen.index, screen.buttons, screen.heading = rows, index, buttons, heading
        self.manager.current = SETTINGS

    def on_screen_off(self, _widget, off: bool) -> None:
        self.blackout.opacity = 1 if off else 0

    def set_demo(self, on: bool) -> None:
        self.demo_badge.opacity = 1 if on else 0

    def set_preview(self, on: bool) -> None:
        self.preview.opacity = 1 if on else 0

    def current_screen(self):
        return self.manager.current_screen


def key_name(key: int) -> str:
    """Kivy's name for a key code ("enter", "b", ...)."""
    from kivy.core.window import Keyboard

    global _KEY_NAMES
    if _KEY_NAMES is None:
        _KEY_NAMES = {code: name for name, code in Keyboard.keycodes.items()}
    return _KEY_NAMES.get(key, "")


_KEY_NAMES: dict[int, str] | None = None


class MirrorApp(App):
    """Fullscreen on the Pi, windowed on a dev machine; keys map to the buttons' commands.

    Only a windowed (dev) run quits on Ctrl+Q: the appliance has no keyboard user to quit it,
    and a stray key on a plugged-in keyboard must not leave the mirror dead (systemd stops it
    with SIGTERM, which the shell handles).
    """

    title = "Expression mirror"

    def __init__(
        self,
        *,
        on_command: Callable[[Command], None],
        on_start=None,
        on_stop=None,
        quit_keys: bool = True,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.quit_keys = quit_keys
        self._on_command = on_command
        self._start_hooks = [on_start] if on_start else []
        self._stop_hooks = [on_stop] if on_stop else []
        self.mirror: MirrorRoot | None = None

    def build(self) -> MirrorRoot:
        from kivy.core.window import Window

        if Window is None:  # Kivy has logged SDL's reason ("Unable to find any valuable Window provider")
            log.critical(
                "no window: SDL could not open the display (its reason is above); on the Pi's console a running"
                " desktop holds it (python -m appliance doctor); sudo scripts/install-pi switches to console boot"
            )
            raise SystemExit(1)  # not 2: systemd restarts (the display may come up late) up to its start limit
        Window.clearcolor = (0, 0, 0, 1)
        theme.follow(Window)
        Window.bind(on_key_down=self._on_key_down)
        self.mirror = MirrorRoot()
        return self.mirror

    def on_start(self) -> None:
        for hook in self._start_hooks:
            hook(self)

    def on_stop(self) -> None:
        for hook in self._stop_hooks:
            hook(self)
        self.release()

    def release(self) -> None:
        """Let go of the window's keyboard (the app is done)."""
        from kivy.core.window import Window

        Window.unbind(on_key_down=self._on_key_down)

    def _on_key_down(self, _window, key: int, _scancode, _codepoint, modifiers) -> bool:
        name = key_name(key)
        if name == "q" and "ctrl" in modifiers:
            if self.quit_keys:
                self.stop()
            return True
        command = command_for_key(name)
        if command is None:
            return False
        if self.mirror is not None:
            self.mirror.dot.flash()
        self._on_command(command)
        return True
