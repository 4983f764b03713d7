#!/bin/sh
# Install the Debian packages silkstat needs to build, test and benchmark:
# the libraries and gnuplot; Python with h5py/xarray for the interop test;
# pandas and R data.table as benchmark peers; clang for `make fuzz`;
# strace, flock and chattr for the store fault tests; headless Chromium
# and poppler's pdfinfo for the briefing pack's browser and PDF tests.
# Idempotent: asks dpkg first and calls apt-get only for what is missing.
# Works as root or through sudo. This is the only place the project
# installs packages.
set -eu

PACKAGES="
build-essential pkg-config
libgsl-dev libcsv-dev libhdf5-dev hdf5-tools libinih-dev libcmocka-dev
gnuplot-nox fonts-lato
python3 python3-h5py python3-xarray python3-h5netcdf python3-pandas python3-scipy python3-statsmodels python3-numpy
r-base-core r-cran-data.table time
clang libclang-rt-14-dev
strace util-linux e2fsprogs
chromium poppler-utils
"

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $pkg" ;;
    esac
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: missing packages:$missing" >&2
    echo "install-deps: run this script as root or install sudo" >&2
    exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
