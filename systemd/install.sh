#!/usr/bin/env bash
# Install and start the mirror's systemd unit for the current user and this checkout.
#   systemd/install.sh            # install, enable at boot, start now
#   systemd/install.sh --remove   # stop, disable and remove it
set -euo pipefail
DIR=$(cd "$(dirname "$0")/.." && pwd)
UNIT=/etc/systemd/system/expression-mirror.service
if [ "${1:-}" = "--remove" ]; then
    sudo systemctl disable --now expression-mirror.service || true
    sudo rm -f "$UNIT" && sudo systemctl daemon-reload
    exit 0
fi
if [ ! -x "$DIR/.venv/bin/python" ]; then
    echo "error: $DIR/.venv is missing" >&2
    echo "  what to do: run scripts/mirror once (it makes .venv and installs the appliance)" >&2
    exit 2
fi
sed -e "s|@USER@|$(id -un)|g" -e "s|@DIR@|$DIR|g" \
    "$DIR/systemd/expression-mirror.service" | sudo tee "$UNIT" >/dev/null
sudo systemctl daemon-reload
sudo systemctl enable --now expression-mirror.service
echo "installed $UNIT; logs: journalctl -u expression-mirror -f"
