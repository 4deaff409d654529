"""The display's power: who is at the mirror (``presence``) and how the screen is switched (``power``)."""
