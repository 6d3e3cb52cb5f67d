#!/usr/bin/env bash
# Set up alignment on a fresh machine: a virtual environment with the CPU build
# of torch, the package, Debian's Norwegian word list (for OCR repair) and the
# default embedding model. Safe to run again: each step skips what is done.
#   scripts/setup.sh          the tool
#   scripts/setup.sh --test   the tool and what the tests need
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# -qq: only errors (this machine's pip configuration warns about every package otherwise)
PIP=(.venv/bin/python -m pip --disable-pip-version-check -qq)

# torch first, pinned: a plain `torch` would pull a multi-GB CUDA build.
.venv/bin/python -c "import torch" 2>/dev/null || "${PIP[@]}" install torch==2.13.0
# The `torch` extra: what the one-time export of the model needs (a check itself runs on ONNX Runtime alone).
if [ "${1:-}" = "--test" ]; then
  "${PIP[@]}" install -e ".[test]"
else
  "${PIP[@]}" install -e ".[torch]"
fi

# OCR repair checks words against Debian's bokmål word list when it is there.
if [ ! -f /usr/share/dict/bokmaal ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && apt-get install -y -qq wnorwegian) >/dev/null 2>&1 \
      || echo "setup: could not install wnorwegian; OCR repair uses the bundled texts only" >&2
  else
    echo "setup: for better OCR repair run: sudo apt-get install wnorwegian" >&2
  fi
fi

# The tests also exercise `--ocr` (ocrmypdf with Tesseract's Norwegian data), a real browser, and the letter as
# PDF (LibreOffice, and poppler's pdftoppm to look at its first page).
if [ "${1:-}" = "--test" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  missing=()
  command -v ocrmypdf >/dev/null || missing+=(ocrmypdf tesseract-ocr-nor)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  if [ ${#missing[@]} -gt 0 ]; then
    (apt-get update -qq && apt-get install -y -qq "${missing[@]}") >/dev/null 2>&1 \
      || echo "setup: could not install ${missing[*]}; their tests will be skipped" >&2
  fi
  if [ ! -x /usr/sbin/nginx ]; then  # the team server's test behind a TLS proxy; RUNLEVEL=1: not started as a service
    (apt-get update -qq && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx) >/dev/null 2>&1 \
      || echo "setup: could not install nginx; the test behind a TLS proxy will be skipped" >&2
  fi
  if ! command -v soffice >/dev/null; then  # without recommends: Writer alone, not the whole office suite
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-writer-nogui fonts-liberation) >/dev/null 2>&1 \
      || echo "setup: could not install LibreOffice; the PDF letter's tests will be skipped" >&2
  fi
fi

.venv/bin/alignment model install
