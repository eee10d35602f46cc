#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace amqp::fakebroker {

class broker;

// One management API request, already authenticated and taken apart.
struct management_request {
    std::string method;  // "GET", "POST", "DELETE", ... (HEAD is answered as GET)
    std::vector<std::string> path;  // the percent-decoded segments after "/api"
    std::string body;
    std::string user;  // who authenticated
    std::string reason;  // the X-Reason header, for DELETE /api/connections/{name}
};

struct management_reply {
    int status = 200;
    nlohmann::json body;  // not sent with 204
};

// The endpoints of RabbitMQ's management API over a broker's inspection calls,
// without HTTP, so they can be driven directly. Unknown paths give 404
// {"error":"Object Not Found","reason":"Not Found"} as RabbitMQ does, known paths with
// another method 405, malformed bodies 400 {"error":"bad_request","reason":...}.
// Authentication is the caller's: management_api answers 401 before a request gets here.
//
// handle() may be called from several threads at once: it only reads the broker
// through its thread-safe inspection calls (and purges or closes connections through
// it), so the broker must own its thread.
class management_routes {
public:
    // Where the API is served, for /api/overview's listeners.
    management_routes(broker& b, std::string http_address, std::uint16_t http_port);

    management_reply handle(const management_request& request) const;

private:
    using params = std::vector<std::string>;
    using handler = management_reply (management_routes::*)(const management_request&, const params&) const;
    struct route {
        const char* method;
        std::vector<std::string> pattern;  // literal segments, "*" for any one
        handler run;
    };

    management_reply overview(const management_request&, const params&) const;
    management_reply whoami(const management_request&, const params&) const;
    management_reply list_vhosts(const management_request&, const params&) const;
    management_reply list_queues(const management_request&, const params&) const;
    management_reply show_queue(const management_request&, const params&) const;
    management_reply queue_bindings(const management_request&, const params&) const;
    management_reply purge_queue(const management_request&, const params&) const;
    management_reply get_messages(const management_request&, const params&) const;
    management_reply list_exchanges(const management_request&, const params&) const;
    management_reply show_exchange(const management_request&, const params&) const;
    management_reply list_bindings(const management_request&, const params&) const;
    management_reply list_connections(const management_request&, const params&) const;
    management_reply show_connection(const management_request&, const params&) const;
    management_reply close_connection(const management_request&, const params&) const;
    management_reply list_channels(const management_request&, const params&) const;
    // Fault injection (not in RabbitMQ): rules, the fired log, chaos mode.
    management_reply list_faults(const management_request&, const params&) const;
    management_reply add_faults(const management_request&, const params&) const;
    management_reply clear_faults(const management_request&, const params&) const;
    management_reply remove_fault(const management_request&, const params&) const;
    management_reply set_chaos(const management_request&, const params&) const;
    management_reply stop_chaos(const management_request&, const params&) const;

    broker& broker_;
    std::string http_address_;
    std::uint16_t http_port_;
    std::vector<route> routes_;
};

}  // namespace amqp::fakebroker
