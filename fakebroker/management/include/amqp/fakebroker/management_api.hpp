#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace amqp::fakebroker {

class broker;

// RabbitMQ's management HTTP API (the part tests and tools read) over a broker:
// GET /api/overview, /api/vhosts, /api/queues, /api/exchanges, /api/bindings,
// /api/connections, /api/channels (with the per-vhost and per-object forms), purge
// (DELETE /api/queues/{vhost}/{name}/contents), get messages without consuming them
// (POST /api/queues/{vhost}/{name}/get with a requeueing ackmode) and closing a
// connection (DELETE /api/connections/{name}, 320 CONNECTION_FORCED). Beyond RabbitMQ,
// /api/faults adds, lists and removes fault rules and starts chaos mode (fault_routes.cpp,
// docs/faults.md).
//
// Every request needs HTTP basic auth as any configured broker user; every user is
// treated as an administrator. Path segments are percent-encoded ("%2F" is the
// vhost "/"). Errors are RabbitMQ's JSON bodies, e.g. 404
// {"error":"Object Not Found","reason":"Not Found"}.
//
// Requests run on the server's own threads and read the broker through its
// thread-safe inspection calls, so the broker must own its thread (or be stopped
// only after this server) and must outlive it.
class management_api {
public:
    // port 0: an ephemeral port, see port().
    management_api(broker& b, std::string address, std::uint16_t port);
    ~management_api();
    management_api(const management_api&) = delete;
    management_api& operator=(const management_api&) = delete;

    // Binds, listens and starts serving. Throws std::runtime_error when the address
    // cannot be bound.
    void start();
    // Stops accepting, lets requests in flight finish and joins the threads. A client
    // holding a keep-alive connection delays this by at most a second.
    void stop();

    std::uint16_t port() const;
    // "http://127.0.0.1:15672/"
    std::string url() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace amqp::fakebroker
