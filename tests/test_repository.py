"""The project's own text files: nothing a merge left behind."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("appliance", "docs", "tests", "scripts", "models", "systemd", ".ci")
SUFFIXES = {".py", ".md", ".kv", ".json", ".toml", ".txt", ".sh", ".service", ".cfg", ".ini", ""}
OPENING, CLOSING, MIDDLE = "<" * 7 + " ", ">" * 7 + " ", "=" * 7  # built, so this file holds none itself


def text_files():
    yield from (path for path in ROOT.glob("*") if path.is_file() and path.suffix in SUFFIXES)
    for folder in FOLDERS:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in SUFFIXES and "__pycache__" not in path.parts:
                yield path


def test_no_file_holds_a_merge_conflicts_markers():
    found = []
    for path in text_files():
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:  # a binary file without a suffix
            continue
        found += [
            f"{path.relative_to(ROOT)}:{n}"
            for n, line in enumerate(lines, 1)
            if line.startswith((OPENING, CLOSING)) or line == MIDDLE  # a licence's "=====..." rule is not one
        ]
    assert not found, f"merge conflict markers left in: {found}"
