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
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".$1"
}
