#!/usr/bin/env bash
# Regenerates the registry's htpasswd (user alice, password wonderland; bcrypt, which the
# distribution registry requires). The other expectations of tests/repo.rs come from running
# the real helm (scripts/helm-oracle) inside the tests themselves.
set -euo pipefail
cd "$(dirname "$0")"
python3 -c "import crypt; print('alice:' + crypt.crypt('wonderland', crypt.mksalt(crypt.METHOD_BLOWFISH)))" > htpasswd

# A test CA and a server certificate for 127.0.0.1 signed by it (the TLS registry test).
openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj "/CN=charthouse test CA" \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout tls.key -out tls.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' > tls.ext
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 36500 \
  -extfile tls.ext -out tls.crt 2>/dev/null
rm -f tls.csr tls.ext ca.key ca.srl
