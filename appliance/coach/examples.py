"""Which attempts teach the mirror a person's own expression, and what the result screen says of it.

An expression drill's peak (the frame of its best match) is kept as an example of that expression
when the person had calibrated (the frame is read against their own resting face) and the face had
clearly left rest there (``vision.examples.is_clear``): the numbers of the reading at that frame,
never a picture.  Completed and missed attempts both teach: a face the reading did not yet
recognise is exactly what the person's own example is for.  In the "teach" routine each new example
replaces the expression's earlier ones, so redoing one (PREVIOUS on the result) mends a bad pose.
"""

from __future__ import annotations

from appliance.coach.events import ExampleKept
from appliance.coach.expression_target import ExpressionTarget
from appliance.glass import Words, words_for_the_glass
from appliance.vision.examples import departure, is_clear, reading_identity
from appliance.vision.reading import head

TEACH_PLAN = "teach"  # the routine that asks for each expression once (drills.json)
TEACH_HOLD_S = 3.0  # what the teach routine holds each expression for, whatever the difficulty
KEPT = "Kept as your {label}."
REPLACED = "Kept as your {label}; PREVIOUS to redo it."
UNCALIBRATED = "Not kept: calibrate your resting face first."
TOO_SMALL = "Not kept: your face barely left rest."
TEACHES = ("completed", "missed")


@words_for_the_glass
def _glass_words():
    for line in (KEPT, REPLACED):
        yield Words(line.format(label="happiness"), "body", "example kept")
    for line in (UNCALIBRATED, TOO_SMALL):
        yield Words(line, "body", "example not kept")


def example_of(attempt, *, taught: bool, at: float, wall_time: float) -> tuple[ExampleKept | None, str]:
    """The example an attempt teaches (None: none) and the result line saying so ("": not an expression
    drill, or an attempt that was skipped or cut short)."""
    target = attempt.drill.target
    if not isinstance(target, ExpressionTarget) or target.label == "neutral":
        return None, ""
    if attempt.outcome is None or attempt.outcome.kind not in TEACHES:
        return None, ""
    if not attempt.peak_personal:
        return None, UNCALIBRATED
    reader = head()
    vector = departure(attempt.peak_inputs, reader)
    if vector is None or not is_clear(vector):
        return None, TOO_SMALL
    example = ExampleKept(
        label=target.label,
        vector=tuple(round(float(value), 4) for value in vector),
        reading=reading_identity(reader),
        drill_id=attempt.drill.id,
        best_match=round(attempt.best_match),
        replaces_earlier=taught,
        at=at,
        wall_time=wall_time,
    )
    return example, (REPLACED if taught else KEPT).format(label=target.label)
