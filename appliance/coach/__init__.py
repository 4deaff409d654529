"""The coach: drills, sessions, scoring, breaks, the guard and routines.

Pure Python with an injected clock: no Kivy, no camera, no threads, no storage.
The shell feeds it observations and commands and renders its ``View``.
"""
