#!/usr/bin/env bash
# Kept for old instructions: the install is now scripts/install-pi (a dedicated user, a venv in
# /opt/expression-mirror, the sandboxed unit). Arguments pass through, e.g. --remove.
exec sudo "$(dirname "$0")/../scripts/install-pi" "$@"
