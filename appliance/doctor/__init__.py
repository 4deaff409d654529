"""``doctor``: is this appliance fit to run?  Small checks, each returning a ``Check``.

Each check takes what it touches as arguments (a source opener, a pin factory, a command
runner, a folder), so the tests run them on fakes; ``run_checks`` runs them all with the real ones.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name:<14}{self.detail}"


def guarded(name: str, check, *args, **kwargs) -> Check:
    """Run one check; anything it did not expect is a failed check, never a traceback."""
    from appliance.errors import ApplianceError

    try:
        return check(*args, **kwargs)
    except ApplianceError as error:
        return Check(name, False, error.describe().replace("\n  ", "; "))
    except Exception as error:
        return Check(name, False, f"{type(error).__name__}: {error}")
