#include <amqp/fakebroker/broker.hpp>

#include "model/broker_state.hpp"
#include "model/server_connection.hpp"
#include "session_stream.hpp"
#include "tcp_session.hpp"

#include <asio/ssl/context.hpp>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>

namespace amqp::fakebroker {

using asio::ip::tcp;

struct broker::impl {
    impl(asio::io_context* external, broker_options opts)
        : owned_io(external ? nullptr : std::make_unique<asio::io_context>(1)),
          io(external ? *external : *owned_io),
          options(std::move(opts)),
          state(std::make_unique<broker_state>(options)),
          timer(io)
    {
    }

    // Runs f where the broker's state lives and returns its result.
    template <class F>
    auto on_broker(F f) -> decltype(f())
    {
        if (!thread.joinable() || std::this_thread::get_id() == thread.get_id()) return f();
        std::packaged_task<decltype(f())()> task(std::move(f));
        auto result = task.get_future();
        asio::post(io, [&task] { task(); });
        return result.get();
    }

    void accept()
    {
        acceptor->async_accept([this](std::error_code ec, tcp::socket socket) {
            if (ec) return;  // the acceptor closed
            add_session(make_tcp_stream(std::move(socket)));
            accept();
        });
    }

    void accept_tls()
    {
        tls_acceptor->async_accept([this](std::error_code ec, tcp::socket socket) {
            if (ec) return;
            // A failed TLS handshake never reaches AMQP: the socket just closes.
            fakebroker::accept_tls(std::move(socket), *tls_context,
                                   [this](std::error_code handshake, std::shared_ptr<session_stream> stream) {
                                       if (!handshake && running) add_session(std::move(stream));
                                   });
            accept_tls();
        });
    }

    void add_session(std::shared_ptr<session_stream> stream)
    {
        auto session = std::make_shared<tcp_session>(std::move(stream), *state, [this] { changed(); },
                                                     [this](tcp_session* s) {
            // Deferred: the session may be inside its own handler.
            asio::post(io, [this, s] { sessions.erase(s); changed(); });
        });
        sessions.emplace(session.get(), session);
        session->start();
        changed();
    }

    // The amqps listener's TLS context; throws std::system_error naming what failed.
    void make_tls_context(const tls_listener_options& tls)
    {
        namespace ssl = asio::ssl;
        tls_context.emplace(ssl::context::tls_server);
        tls_context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                                 ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        auto check = [](std::error_code ec, const std::string& what) {
            if (ec) throw std::system_error(ec, what);
        };
        std::error_code ec;
        tls_context->use_certificate_chain_file(tls.certfile, ec);
        check(ec, "cannot load the TLS certificate '" + tls.certfile + "'");
        tls_context->use_private_key_file(tls.keyfile, ssl::context::pem, ec);
        check(ec, "cannot load the TLS key '" + tls.keyfile + "'");
        if (!tls.cafile.empty()) {
            tls_context->load_verify_file(tls.cafile, ec);
            check(ec, "cannot load the TLS CA file '" + tls.cafile + "'");
        }
        ssl::verify_mode mode = ssl::verify_none;
        if (tls.verify_peer || tls.require_peer_certificate) mode = ssl::verify_peer;
        if (tls.require_peer_certificate) mode |= ssl::verify_fail_if_no_peer_cert;
        tls_context->set_verify_mode(mode);
    }

    void arm_timer()
    {
        const auto next = state->on_timer();
        const auto now = state->now();
        // Idle TTLs and x-expires are checked at least every 100 ms; reads and deliveries
        // check them exactly.
        auto at = now + std::chrono::milliseconds(100);
        if (next && *next < at) at = *next;
        timer.expires_at(at);
        timer.async_wait([this](std::error_code ec) {
            if (ec || !running) return;
            arm_timer();
            changed();
        });
    }

    // Something may have changed: wake inspection waits.
    void changed()
    {
        std::lock_guard lock(mutex);
        ++version;
        cv.notify_all();
    }

    template <class Predicate>
    bool wait_until(Predicate ready, std::chrono::milliseconds timeout)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            std::uint64_t seen;
            {
                std::lock_guard lock(mutex);
                seen = version;
            }
            if (on_broker(ready)) return true;
            const auto now = std::chrono::steady_clock::now();
            if (now >= deadline) return false;
            if (thread.joinable()) {
                std::unique_lock lock(mutex);
                cv.wait_until(lock, deadline, [&] { return version != seen; });
            } else {
                // On the caller's io_context: make progress ourselves.
                io.restart();
                io.run_one_for(deadline - now);
            }
        }
    }

    std::unique_ptr<asio::io_context> owned_io;
    asio::io_context& io;
    broker_options options;
    std::unique_ptr<broker_state> state;
    std::optional<tcp::acceptor> acceptor;
    std::optional<tcp::acceptor> tls_acceptor;
    std::optional<asio::ssl::context> tls_context;
    std::uint16_t tls_port = 0;
    std::map<tcp_session*, std::shared_ptr<tcp_session>> sessions;
    asio::steady_timer timer;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::thread thread;
    std::uint16_t port = 0;
    bool running = false;

    std::mutex mutex;
    std::condition_variable cv;
    std::uint64_t version = 0;
};

broker::broker(broker_options options) : impl_(std::make_unique<impl>(nullptr, std::move(options))) {}

broker::broker(asio::io_context& io, broker_options options)
    : impl_(std::make_unique<impl>(&io, std::move(options)))
{
}

broker::~broker()
{
    stop();
}

void broker::start()
{
    if (impl_->running) return;
    auto& i = *impl_;
    const tcp::endpoint endpoint(asio::ip::make_address(i.options.address), i.options.port);
    i.acceptor.emplace(i.io);
    i.acceptor->open(endpoint.protocol());
    i.acceptor->set_option(tcp::acceptor::reuse_address(true));
    i.acceptor->bind(endpoint);
    i.acceptor->listen();
    i.port = i.acceptor->local_endpoint().port();
    if (i.options.tls) {
        i.make_tls_context(*i.options.tls);
        const tcp::endpoint tls_endpoint(endpoint.address(), i.options.tls->port);
        i.tls_acceptor.emplace(i.io);
        i.tls_acceptor->open(tls_endpoint.protocol());
        i.tls_acceptor->set_option(tcp::acceptor::reuse_address(true));
        i.tls_acceptor->bind(tls_endpoint);
        i.tls_acceptor->listen();
        i.tls_port = i.tls_acceptor->local_endpoint().port();
    }
    i.running = true;
    // Started here, not posted: a posted start would outlive a broker destroyed before
    // its io_context ran. The broker's own thread does not exist yet, and a caller's
    // io_context is driven by the thread calling start().
    i.accept();
    if (i.tls_acceptor) i.accept_tls();
    i.arm_timer();
    if (i.owned_io) {
        i.owned_io->restart();
        i.work.emplace(i.owned_io->get_executor());
        i.thread = std::thread([&i] { i.owned_io->run(); });
    }
}

void broker::stop()
{
    auto& i = *impl_;
    if (!i.running) return;
    auto close_all = [&i] {
        i.running = false;
        std::error_code ignored;
        if (i.acceptor) i.acceptor->close(ignored);
        if (i.tls_acceptor) i.tls_acceptor->close(ignored);
        i.timer.cancel();
        auto sessions = i.sessions;  // shutdown removes them
        for (auto& [raw, session] : sessions) {
            session->shutdown(protocol::reply_code::connection_forced,
                              "broker forced connection closure with reason 'shutdown'");
        }
    };
    if (i.thread.joinable() && std::this_thread::get_id() != i.thread.get_id()) {
        // Posted rather than waited for: the join below waits for it anyway, and one
        // cross-thread round trip less is a good part of a stop's cost.
        asio::post(i.io, close_all);
        i.work.reset();
        i.thread.join();
    } else {
        close_all();
        if (i.thread.joinable()) {
            i.work.reset();
            i.thread.join();
        }
    }
    i.sessions.clear();
    i.acceptor.reset();
    i.tls_acceptor.reset();
    i.changed();
}

std::uint16_t broker::tls_port() const
{
    return impl_->tls_port;
}

std::uint16_t broker::port() const
{
    return impl_->port;
}

std::string broker::url() const
{
    const auto& users = impl_->options.users;
    std::string credentials = users.empty() ? "" : users.front().name + ":" + users.front().password + "@";
    return "amqp://" + credentials + impl_->options.address + ":" + std::to_string(impl_->port) + "/";
}

const broker_options& broker::options() const
{
    return impl_->options;
}

std::vector<queue_info> broker::queues(std::string_view vhost_name) const
{
    return impl_->on_broker([&] {
        std::vector<queue_info> out;
        if (vhost* v = impl_->state->find_vhost(vhost_name)) {
            for (const auto& [name, q] : v->queues()) out.push_back(q->info());
        }
        return out;
    });
}

std::optional<queue_info> broker::queue(std::string_view name, std::string_view vhost_name) const
{
    return impl_->on_broker([&]() -> std::optional<queue_info> {
        vhost* v = impl_->state->find_vhost(vhost_name);
        if (!v) return std::nullopt;
        auto q = v->find_queue(name);
        if (!q) return std::nullopt;
        return q->info();
    });
}

std::vector<exchange_info> broker::exchanges(std::string_view vhost_name) const
{
    return impl_->on_broker([&] {
        std::vector<exchange_info> out;
        if (vhost* v = impl_->state->find_vhost(vhost_name)) {
            for (const auto& [name, e] : v->exchanges()) out.push_back(e->info(v->name()));
        }
        return out;
    });
}

std::vector<binding_info> broker::bindings(std::string_view vhost_name) const
{
    return impl_->on_broker([&] {
        vhost* v = impl_->state->find_vhost(vhost_name);
        return v ? v->binding_infos() : std::vector<binding_info>{};
    });
}

std::vector<connection_info> broker::connections() const
{
    return impl_->on_broker([&] {
        std::vector<connection_info> out;
        for (const auto& [id, c] : impl_->state->connections()) out.push_back(c->info());
        return out;
    });
}

std::vector<channel_info> broker::channels() const
{
    return impl_->on_broker([&] {
        std::vector<channel_info> out;
        for (const auto& [id, c] : impl_->state->connections()) {
            auto infos = c->channel_infos();
            out.insert(out.end(), infos.begin(), infos.end());
        }
        return out;
    });
}

std::vector<message_info> broker::peek(std::string_view queue_name, std::size_t max,
                                       std::string_view vhost_name) const
{
    return impl_->on_broker([&] {
        vhost* v = impl_->state->find_vhost(vhost_name);
        auto q = v ? v->find_queue(queue_name) : nullptr;
        return q ? q->peek(max) : std::vector<message_info>{};
    });
}

bool broker::wait_for_depth(std::string_view queue_name, std::size_t depth,
                            std::chrono::milliseconds timeout, std::string_view vhost_name) const
{
    return impl_->wait_until(
        [&] {
            vhost* v = impl_->state->find_vhost(vhost_name);
            auto q = v ? v->find_queue(queue_name) : nullptr;
            return q && q->ready_count() == depth;
        },
        timeout);
}

bool broker::wait_for_consumers(std::string_view queue_name, std::size_t count,
                                std::chrono::milliseconds timeout, std::string_view vhost_name) const
{
    return impl_->wait_until(
        [&] {
            vhost* v = impl_->state->find_vhost(vhost_name);
            auto q = v ? v->find_queue(queue_name) : nullptr;
            return q && q->consumer_count() == count;
        },
        timeout);
}

void broker::restart()
{
    impl_->on_broker([&] {
        auto sessions = impl_->sessions;
        for (auto& [raw, session] : sessions) {
            session->shutdown(protocol::reply_code::connection_forced,
                              "broker forced connection closure with reason 'shutdown'");
        }
        impl_->state->restart();
        return 0;
    });
    impl_->changed();
}

void broker::set_blocked(bool blocked, std::string_view reason)
{
    impl_->on_broker([&] {
        for (const auto& [id, c] : impl_->state->connections()) c->set_blocked(blocked, std::string(reason));
        return 0;
    });
}

std::optional<std::size_t> broker::purge(std::string_view queue_name, std::string_view vhost_name)
{
    return impl_->on_broker([&]() -> std::optional<std::size_t> {
        vhost* v = impl_->state->find_vhost(vhost_name);
        auto q = v ? v->find_queue(queue_name) : nullptr;
        if (!q) return std::nullopt;
        return q->purge();
    });
}

std::size_t broker::close_connection(std::string_view name, std::string_view reason)
{
    return impl_->on_broker([&] {
        std::size_t closed = 0;
        auto sessions = impl_->sessions;
        for (auto& [raw, session] : sessions) {
            const auto& info = session->connection().info();
            if (info.name == name || info.peer == name) {
                session->close_gracefully(protocol::reply_code::connection_forced, std::string(reason));
                ++closed;
            }
        }
        return closed;
    });
}

}  // namespace amqp::fakebroker
