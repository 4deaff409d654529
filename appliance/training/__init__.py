"""The expression model's training recipe. Needs the ``train`` extra; never imported at run time."""
