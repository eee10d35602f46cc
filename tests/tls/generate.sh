#!/usr/bin/env bash
# Makes the test PKI the TLS tests use: a CA, a server certificate for localhost and
# 127.0.0.1, and a client certificate, all signed by the CA and valid for 100 years.
# The output is committed; run this only to replace it (needs the openssl tool).
set -euo pipefail
cd "$(dirname "$0")"
days=36500
openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=amqp-fake test CA" \
    -keyout ca-key.pem -out ca.pem -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign"
for who in server client; do
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$who" -keyout "$who-key.pem" -out "$who.csr"
    cat > "$who.ext" <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=$([ "$who" = server ] && echo serverAuth || echo clientAuth)
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
    openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days "$days" \
        -extfile "$who.ext" -out "$who.pem"
    rm -f "$who.csr" "$who.ext"
done
rm -f ca.srl
# Readable by a broker running as another user (RabbitMQ's own account).
chmod 644 ./*.pem
