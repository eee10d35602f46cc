#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace amqp::client {

// Where to connect: tried in order until one accepts (failover).
struct endpoint {
    std::string host = "localhost";
    std::uint16_t port = 5672;

    bool operator==(const endpoint&) const = default;
};

// TLS (amqps) settings; verification is on unless asked otherwise.
struct tls_options {
    std::string cafile;  // PEM file of trusted CAs; empty: the system's default paths
    std::string capath;  // directory of hashed CA certificates
    std::string certfile;  // client certificate (PEM), for EXTERNAL-style mutual TLS
    std::string keyfile;  // its private key (PEM)
    bool verify = true;  // verify the broker's certificate chain and host name

    bool operator==(const tls_options&) const = default;
};

// Everything a connection needs; parse_url() builds one from an AMQP URL.
struct connection_options {
    std::vector<endpoint> endpoints{endpoint{}};
    bool tls = false;
    tls_options tls_settings;
    std::string user = "guest";
    std::string password = "guest";
    std::string vhost = "/";
    // Sent as connection_name in the client properties (shown by the broker's management).
    std::string connection_name;
    // What the client asks for in connection.tune-ok. A heartbeat of nullopt accepts
    // the broker's proposal; 0 turns heartbeats off. frame_max and channel_max are
    // upper bounds: the lower of ours and the broker's wins (0 means "no limit").
    std::optional<std::uint16_t> heartbeat;
    std::uint32_t frame_max = 131072;
    std::uint16_t channel_max = 2047;
    // TCP connect + TLS + AMQP handshake, per attempt.
    std::chrono::milliseconds connection_timeout{10000};
    // pika's failover: how many rounds over the endpoints, and the pause between rounds.
    unsigned connection_attempts = 1;
    std::chrono::milliseconds retry_delay{2000};
    // The robust connection's pause between reconnect attempts, and whether the first
    // connection failing is an error at once (aio-pika's fail_fast).
    std::chrono::milliseconds reconnect_interval{5000};
    bool fail_fast = true;

    bool operator==(const connection_options&) const = default;
};

}  // namespace amqp::client
