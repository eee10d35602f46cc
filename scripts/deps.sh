#!/usr/bin/env bash
# Installs the Debian packages the build, tests and benchmarks need, when missing.
#   scripts/deps.sh [extra-package ...]
set -euo pipefail

packages=(
    cmake ninja-build g++ python3
    libgtest-dev libgmock-dev libbenchmark-dev
    libasio-dev libssl-dev nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
    # Third-party clients the interop tests drive the broker with: Python's pika,
    # aio-pika, py-amqp and kombu, rabbitmq-c's tools, Go's amqp091-go, and Node (its
    # amqplib comes from the npm registry).
    python3-pika python3-aio-pika python3-amqp python3-kombu amqp-tools
    golang-go golang-github-rabbitmq-amqp091-go-dev nodejs
    clang libclang-rt-14-dev   # libFuzzer targets
    clang-format-14            # scripts/format.sh: the layout of the sources
    "$@"
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
