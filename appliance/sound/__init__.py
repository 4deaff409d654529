"""The mirror's sounds: generated tones (tones.py), Kivy playback (player.py), espeak-ng speech (speech.py).

What plays when is decided by the coach's pure schedule, ``appliance.coach.cues``.
"""
