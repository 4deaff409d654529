# Sourced by scripts/mirror and scripts/test: make .venv once and install the appliance into it.
# On a Raspberry Pi, picamera2 comes from apt, so the venv sees the system's packages there.
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
    if "$PYTHON" -c 'import picamera2' 2>/dev/null; then
        "$PYTHON" -m venv --system-site-packages "$VENV"
    else
        "$PYTHON" -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
install_appliance() {  # extras, e.g. "[dev,train]"
    # The install is editable: code changes need no reinstall, only a changed pyproject.toml does.
    # Skipping it when nothing changed makes the mirror start at once and keeps pip quiet.
    local want
    want="$1 $(cksum < pyproject.toml)"
    if [ -f "$VENV/.appliance-installed" ] && grep -qxF -- "$want" "$VENV/.appliance-installed"; then
        return 0
    fi
    # setuptools warns about editable installs on every build (a note for package authors, not users)
    PYTHONWARNINGS="ignore:Editable installation" \
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".$1"
    echo "$want" >> "$VENV/.appliance-installed"
}
