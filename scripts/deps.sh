#!/bin/sh
# deps.sh: make sure the Debian 12 packages this project builds with are
# installed. Installs the missing ones with apt-get when running as root
# (or with sudo available without a password); otherwise prints the exact
# command to run and fails.
set -e

# command that proves the package is there : Debian package
NEEDED="
qemu-system-riscv64:qemu-system-misc
/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin:opensbi
riscv64-unknown-elf-gcc:gcc-riscv64-unknown-elf
gdb-multiarch:gdb-multiarch
python3:python3
gcc:gcc
make:make
"

missing=""
for entry in $NEEDED; do
  probe=${entry%%:*}
  pkg=${entry#*:}
  case "$probe" in
    /*) [ -e "$probe" ] && continue ;;
    *) command -v "$probe" >/dev/null 2>&1 && continue ;;
  esac
  # Debian's opensbi package installs its firmware elsewhere; accept either.
  if [ "$pkg" = opensbi ] && [ -e /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin ]; then
    continue
  fi
  missing="$missing $pkg"
done

[ -z "$missing" ] && exit 0

echo "deps.sh: installing missing packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "deps.sh: not root. Run this, then try again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $missing >/dev/null
echo "deps.sh: done" >&2
