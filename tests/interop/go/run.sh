#!/usr/bin/env bash
# Builds the amqp091-go interop program in GOPATH mode (Debian's golang-go and
# golang-github-rabbitmq-amqp091-go-dev) and runs it with the given arguments:
#   run.sh PATH/TO/fakebroker
#   run.sh --url amqp://guest:guest@127.0.0.1:5672/
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export GO111MODULE=off
export GOPATH="$work/gopath:/usr/share/gocode"
export GOFLAGS=
# The build cache of the user when it is writable, else a throwaway one.
if [ -z "${GOCACHE:-}" ]; then
  cache="${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/go-build"
  if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
    cache="$work/go-build"
  fi
  export GOCACHE="$cache"
fi

(cd "$here" && timeout 90 go build -o "$work/amqp091_interop" .)
status=0
timeout 90 "$work/amqp091_interop" "$@" || status=$?
exit "$status"
