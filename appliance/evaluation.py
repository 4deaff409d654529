"""Accuracy, per-class precision and recall, and the confusion matrix, in numpy; and how far a
share counted on a few people can be trusted."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from appliance.vision.classifier import EXPRESSIONS


@dataclass(frozen=True)
class Metrics:
    confusion: np.ndarray  # [true, predicted] counts

    @classmethod
    def from_predictions(cls, labels: np.ndarray, predicted: np.ndarray) -> Metrics:
        n = len(EXPRESSIONS)
        return cls(np.bincount(labels * n + predicted, minlength=n * n).reshape(n, n))

    @property
    def rows(self) -> int:
        return int(self.confusion.sum())

    @property
    def accuracy(self) -> float:
        return float(np.trace(self.confusion) / max(1, self.rows))

    @property
    def recall(self) -> np.ndarray:
        return np.diag(self.confusion) / np.maximum(1, self.confusion.sum(axis=1))

    @property
    def precision(self) -> np.ndarray:
        return np.diag(self.confusion) / np.maximum(1, self.confusion.sum(axis=0))

    @property
    def balanced_accuracy(self) -> float:
        present = self.confusion.sum(axis=1) > 0
        return float(self.recall[present].mean())

    def recall_of(self, label: str) -> float:
        return float(self.recall[EXPRESSIONS.index(label)])

    def to_dict(self) -> dict:
        return {
            "accuracy": round(self.accuracy, 4),
            "balanced_accuracy": round(self.balanced_accuracy, 4),
            "rows": self.rows,
            "per_class": {
                label: {
                    "precision": round(float(self.precision[i]), 4),
                    "recall": round(float(self.recall[i]), 4),
                    "support": int(self.confusion[i].sum()),
                }
                for i, label in enumerate(EXPRESSIONS)
            },
            "confusion": {"labels": list(EXPRESSIONS), "rows_true_columns_predicted": self.confusion.tolist()},
        }

    def to_markdown(self) -> str:
        lines = [
            f"accuracy {self.accuracy:.4f}, balanced accuracy {self.balanced_accuracy:.4f}, {self.rows} rows",
            "",
            "| expression | precision | recall | support |",
            "|---|---:|---:|---:|",
        ]
        for i, label in enumerate(EXPRESSIONS):
            lines.append(
                f"| {label} | {self.precision[i]:.3f} | {self.recall[i]:.3f} | {int(self.confusion[i].sum())} |"
            )
        short = [label[:4] for label in EXPRESSIONS]
        lines += ["", "Confusion matrix (rows: true majority label, columns: predicted)", ""]
        lines.append("| true \\ predicted | " + " | ".join(short) + " |")
        lines.append("|---|" + "---:|" * len(short))
        for i, label in enumerate(EXPRESSIONS):
            lines.append(f"| {label} | " + " | ".join(str(int(c)) for c in self.confusion[i]) + " |")
        return "\n".join(lines)


def share_interval(successes: int, trials: int, *, z: float = 1.959964) -> tuple[float, float]:
    """Wilson's 95% interval for a share of ``successes`` in ``trials`` (0 trials: (0, 1)).

    Why: the London targets are shares of 9 to 102 people; 91 of 102 is 82-94%, and 10 of 13 is
    50-92%, so a change of two or three faces is within what the set can tell apart."""
    if trials <= 0:
        return 0.0, 1.0
    share = successes / trials
    spread = z * z / trials
    centre = (share + spread / 2) / (1 + spread)
    half = z * math.sqrt(share * (1 - share) / trials + spread / (4 * trials)) / (1 + spread)
    return max(0.0, centre - half), min(1.0, centre + half)


def share_interval_figures(successes: int, trials: int) -> list[float]:
    """``share_interval`` as the evaluation commands print it in JSON: [low, high], 4 decimals."""
    return [round(bound, 4) for bound in share_interval(successes, trials)]
