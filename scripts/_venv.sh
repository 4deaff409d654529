# Sourced by scripts/mirror and scripts/test: make .venv once and install the appliance into it.
# On a Raspberry Pi, picamera2 comes from apt, so the venv sees the system's packages there.
# A mirror boots offline: pip runs only when the venv is new or pyproject.toml changed (a stamp
# in the venv holds pyproject's hash and the extras); every later start touches no network.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: the appliance needs Python 3.11 or newer; $PYTHON is $("$PYTHON" --version 2>&1)" >&2
    echo "  what to do: install python3.11 (Raspberry Pi OS Bookworm has it) or set PYTHON=..." >&2
    exit 2
fi
VENV=${VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
    # On a Pi (picamera2 importable, or the board says so) the venv sees apt's packages.
    if "$PYTHON" -c 'import picamera2' 2>/dev/null || grep -qs "Raspberry Pi" /proc/device-tree/model; then
        "$PYTHON" -m venv --system-site-packages "$VENV"
    else
        "$PYTHON" -m venv "$VENV"
    fi
    # A newer pip resolves better; offline the venv's own pip still works.
    "$VENV/bin/python" -m pip install --quiet --upgrade pip 2>/dev/null ||
        echo "note: pip could not be upgraded (offline?); using the venv's own pip" >&2
fi

install_appliance() {  # extras, e.g. "[dev,train]"; a no-op when nothing changed since the last install
    # The stamp has a line "HASH EXTRAS" per install made from this pyproject.toml; the plain
    # install ("") is part of every install with extras.
    local stamp="$VENV/.appliance-install" hash want
    hash=$(sha256sum pyproject.toml | cut -d' ' -f1)
    want="$hash $1"
    if [ -f "$stamp" ] && { grep -qxF "$want" "$stamp" || { [ -z "$1" ] && grep -q "^$hash " "$stamp"; }; }; then
        return 0
    fi
    # setuptools warns about editable installs on every build (a note for package authors, not users)
    if PYTHONWARNINGS="ignore:Editable installation" \
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".$1"; then
        { grep "^$hash " "$stamp" 2>/dev/null || true; echo "$want"; } | sort -u >"$stamp.new"
        mv "$stamp.new" "$stamp"
        return 0
    fi
    if "$VENV/bin/python" -c 'import appliance, numpy, kivy' 2>/dev/null; then
        echo "warning: installing the appliance's dependencies failed (no network?);" \
            "starting with the install already in $VENV" >&2
        echo "  what to do: connect to the network once and start again to finish the update" >&2
        return 0
    fi
    echo "error: the appliance could not be installed into $VENV (see pip's message above)" >&2
    echo "  what to do: connect to the network for the first start (pip downloads the dependencies once)" >&2
    exit 2
}
