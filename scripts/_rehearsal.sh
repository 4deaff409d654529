# Shared by scripts/pi-rehearsal and scripts/systemd-rehearsal (sourced; needs CHECKOUT and ROOT set).

# The host's CA bundle and pip settings, carried into the root, so pip inside reaches the same index:
# one [global] section from the host's merged pip settings, certificates pointing at the carried bundle,
# and files the settings name (a constraints file, say) copied in at the same path. Sets PIP_ENV and
# CA_ENV (arrays of NAME=VALUE) for commands run in the root.
carry_host_settings() {
    local name value
    cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/host-ca-bundle.crt"
    python3 - "$ROOT/etc/pip.conf" "$ROOT" <<'PYTHON'
import os, shutil, subprocess, sys
lines = subprocess.run(["python3", "-m", "pip", "config", "list"], capture_output=True, text=True).stdout.splitlines()
settings = {}
for line in lines:
    key, _, value = line.partition("=")
    section, _, name = key.partition(".")
    if section in ("global", "install", "download") and name:
        settings[name] = value.strip().strip("'\"")
settings["cert"] = "/etc/ssl/host-ca-bundle.crt"
for value in settings.values():
    if os.path.isabs(value) and os.path.isfile(value) and not value.startswith("/etc/ssl/"):
        os.makedirs(sys.argv[2] + os.path.dirname(value), exist_ok=True)
        shutil.copy(value, sys.argv[2] + value)
with open(sys.argv[1], "w") as out:
    out.write("[global]\n" + "".join(f"{k} = {v}\n" for k, v in settings.items()))
PYTHON
    PIP_ENV=()
    while IFS='=' read -r name value; do
        case "$name" in PIP_CERT | PIP_FIND_LINKS) ;; PIP_*) PIP_ENV+=("$name=$value") ;; esac
    done < <(env)
    CA_ENV=(SSL_CERT_FILE=/etc/ssl/host-ca-bundle.crt REQUESTS_CA_BUNDLE=/etc/ssl/host-ca-bundle.crt
        PIP_CERT=/etc/ssl/host-ca-bundle.crt)
}

# This checkout (tracked and new files, not what .gitignore leaves out) in $ROOT/srv/appliance-src.
copy_checkout() {
    rm -rf "$ROOT/srv/appliance-src"
    mkdir -p "$ROOT/srv/appliance-src"
    (cd "$CHECKOUT" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - 2>/dev/null) |
        tar -x -C "$ROOT/srv/appliance-src"
}

# Debian's archive for the root's apt, and the host's resolver.
debian_sources() {
    cat >"$ROOT/etc/apt/sources.list" <<SOURCES
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb ${MIRROR%/debian}/debian-security bookworm-security main
SOURCES
    cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
}
