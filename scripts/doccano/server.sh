#!/usr/bin/env bash
# Start, stop or check the local Doccano 1.8.4 server (what `make doccano` / `make doccano-stop`
# run). The first start installs Doccano into .doccano/venv (~40 s) and initializes the data folder.
#   scripts/doccano/server.sh start|stop|status
# Env: TAKFIR_DOCCANO_PORT (8000), TAKFIR_DOCCANO_DATA (.doccano/data), TAKFIR_DOCCANO_HOME
# (.doccano), TAKFIR_DOCCANO_USER (admin), TAKFIR_DOCCANO_PASSWORD (generated when unset and
# kept in ~/.config/takfir/doccano.toml, mode 600, never in the repository).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec "${PYTHON:-.venv/bin/python}" -m pipeline.doccano.server "${1:-status}"
