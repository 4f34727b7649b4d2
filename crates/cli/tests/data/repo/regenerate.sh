#!/usr/bin/env bash
# Regenerates the registry's htpasswd (user alice, password wonderland; bcrypt, which the
# distribution registry requires). The other expectations of tests/repo.rs come from running
# the real helm (scripts/helm-oracle) inside the tests themselves.
set -euo pipefail
cd "$(dirname "$0")"
python3 -c "import crypt; print('alice:' + crypt.crypt('wonderland', crypt.mksalt(crypt.METHOD_BLOWFISH)))" > htpasswd
