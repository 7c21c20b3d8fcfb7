#!/usr/bin/env bash
# Console PDF reports: the tests read their text and page count, and render pages to PNG
# for a person to look at, with poppler's pdftotext / pdfinfo / pdftoppm. Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends poppler-utils
fi
