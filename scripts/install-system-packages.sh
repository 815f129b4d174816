#!/bin/sh
# Install the Debian packages given as arguments, if any is missing.
# Runs apt-get update once, then apt-get install; uses sudo when not root.
set -eu
missing=""
for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done
# Debian's own Python needs python3-venv for virtual environments.
if ! "${PYTHON:-python3}" -c 'import ensurepip' 2>/dev/null; then
    missing="$missing python3-venv"
fi
[ -z "$missing" ] && exit 0
echo "Installing system packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "error: these Debian packages are missing and you are not root:$missing" >&2
    echo "hint: run 'apt-get install$missing' as root, then try again" >&2
    exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
