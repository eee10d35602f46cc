#include <amqp/fakebroker/management_api.hpp>

#include "text_encoding.hpp"

#include <amqp/fakebroker/broker.hpp>
#include <amqp/fakebroker/management_routes.hpp>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

namespace amqp::fakebroker {

namespace {

// "/api/queues/%2F/q?x=1" -> {"api", "queues", "/", "q"}; nullopt on a malformed escape.
// The raw target is split before decoding: httplib's decoded path has lost the
// difference between a "/" and a "%2F" (the default vhost).
std::optional<std::vector<std::string>> path_segments(std::string_view target)
{
    target = target.substr(0, target.find('?'));
    if (!target.empty() && target.front() == '/') target.remove_prefix(1);
    std::vector<std::string> out;
    for (std::size_t at = 0; at <= target.size();) {
        const auto slash = std::min(target.find('/', at), target.size());
        auto segment = percent_decode(target.substr(at, slash - at));
        if (!segment) return std::nullopt;
        out.push_back(std::move(*segment));
        at = slash + 1;
    }
    if (!out.empty() && out.back().empty()) out.pop_back();  // "/api/queues/" is "/api/queues"
    return out;
}

// HTTP basic auth against the broker's users: the user's name, or the reason to refuse.
struct login {
    std::optional<std::string> user;
    std::string refusal;
};

login authenticate(const httplib::Request& req, const broker_options& options)
{
    const std::string header = req.get_header_value("Authorization");
    const auto space = header.find(' ');
    std::string scheme = header.substr(0, space);
    for (char& c : scheme) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (space == std::string::npos || scheme != "basic") return {std::nullopt, "Not_Authorized"};
    const auto start = header.find_first_not_of(' ', space);
    const auto credentials = base64_decode(start == std::string::npos ? "" : header.substr(start));
    const auto colon = credentials ? credentials->find(':') : std::string::npos;
    if (colon == std::string::npos) return {std::nullopt, "Not_Authorized"};
    const std::string name = credentials->substr(0, colon);
    const std::string password = credentials->substr(colon + 1);
    for (const auto& u : options.users) {
        if (u.name == name && u.password == password) return {name, ""};
    }
    return {std::nullopt, "Login failed"};
}

}  // namespace

struct management_api::impl {
    impl(broker& b, std::string addr, std::uint16_t port) : target(b), address(std::move(addr)), requested_port(port)
    {
        const auto handler = [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); };
        // Every method goes to serve(), which routes on the raw target.
        const std::string any = R"([\s\S]*)";
        server.Get(any, handler);
        server.Post(any, handler);
        server.Put(any, handler);
        server.Delete(any, handler);
        server.Patch(any, handler);
        server.Options(any, handler);
        // A few workers are plenty for tests, and a short keep-alive bounds stop().
        server.new_task_queue = [] { return new httplib::ThreadPool(4); };
        server.set_keep_alive_timeout(1);
    }

    management_reply dispatch(const httplib::Request& req) const
    {
        const login who = authenticate(req, target.options());
        if (!who.user) return {401, {{"error", "not_authorized"}, {"reason", who.refusal}}};
        auto segments = path_segments(req.target);
        if (!segments) return {400, {{"error", "bad_request"}, {"reason", "malformed percent-encoding in the path"}}};
        if (segments->empty() || segments->front() != "api") {
            return {404, {{"error", "Object Not Found"}, {"reason", "Not Found"}}};
        }
        segments->erase(segments->begin());
        return routes->handle(
            {req.method, std::move(*segments), req.body, *who.user, req.get_header_value("X-Reason")});
    }

    void serve(const httplib::Request& req, httplib::Response& res) const
    {
        management_reply reply;
        try {
            reply = dispatch(req);
        } catch (const std::exception& e) {
            reply = {500, {{"error", "internal_error"}, {"reason", e.what()}}};
        }
        res.status = reply.status;
        res.set_header("Cache-Control", "no-cache");
        if (reply.status == 401) res.set_header("WWW-Authenticate", "Basic realm=\"RabbitMQ Management\"");
        if (reply.status != 204) {
            // Names and table keys are bytes from clients: replace what is not UTF-8
            // rather than fail the whole document.
            res.set_content(reply.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                            "application/json");
        }
    }

    broker& target;
    std::string address;
    std::uint16_t requested_port = 0;
    std::uint16_t port = 0;
    std::optional<management_routes> routes;  // made once the port is known
    httplib::Server server;
    std::thread thread;
    std::atomic<bool> listen_returned{false};
};

management_api::management_api(broker& b, std::string address, std::uint16_t port)
    : impl_(std::make_unique<impl>(b, std::move(address), port))
{}

management_api::~management_api() { stop(); }

void management_api::start()
{
    auto& i = *impl_;
    if (i.thread.joinable()) return;
    const int bound = i.requested_port == 0
                          ? i.server.bind_to_any_port(i.address)
                          : (i.server.bind_to_port(i.address, i.requested_port) ? i.requested_port : -1);
    if (bound <= 0) {
        throw std::runtime_error("cannot listen on " + i.address + ":" + std::to_string(i.requested_port) +
                                 " for the management API");
    }
    i.port = std::uint16_t(bound);
    i.routes.emplace(i.target, i.address, i.port);
    i.listen_returned = false;
    i.thread = std::thread([&i] {
        i.server.listen_after_bind();
        i.listen_returned = true;
    });
    // httplib's stop() does nothing until the listen loop has started, so a stop()
    // right after start() would be lost: wait (briefly) for the loop.
    while (!i.server.is_running() && !i.listen_returned) std::this_thread::yield();
}

void management_api::stop()
{
    auto& i = *impl_;
    if (!i.thread.joinable()) return;
    i.server.stop();
    i.thread.join();
}

std::uint16_t management_api::port() const { return impl_->port; }

std::string management_api::url() const
{
    const std::string& host = impl_->address;
    const bool ipv6 = host.find(':') != std::string::npos;
    return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port) + "/";
}

}  // namespace amqp::fakebroker
