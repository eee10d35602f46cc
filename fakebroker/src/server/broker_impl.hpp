#pragma once

// The broker's insides, shared by broker.cpp and broker_faults.cpp.
#include <amqp/fakebroker/broker.hpp>

#include "listeners.hpp"
#include "model/broker_state.hpp"
#include "model/server_connection.hpp"
#include "session.hpp"
#include "session_stream.hpp"

#include <amqp/runtime/clock.hpp>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/ssl/context.hpp>

#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <type_traits>

namespace amqp::fakebroker {

struct broker::impl {
    impl(asio::io_context* external, broker_options opts)
        : owned_io(external ? nullptr : std::make_unique<asio::io_context>(1)),
          io(external ? *external : *owned_io),
          options(std::move(opts)),
          clock(options.clock ? *options.clock : runtime::system_clock()),
          state(std::make_shared<broker_state>(options)),
          timer(clock.make_timer(io.get_executor()))
    {
        state->set_time(clock.now());
        state->set_wall_clock(clock.wall_now(), clock.now());
    }

    // Every entry into the model starts here: the model reads no clock, it is told the time.
    void enter() { state->set_time(clock.now()); }

    // After each entry into the model: the connections it gave output or actions get
    // them carried out, until none has more.
    void serve_ready()
    {
        for (auto ready = state->take_ready(); !ready.empty(); ready = state->take_ready()) {
            for (const std::uint64_t id : ready) {
                if (auto it = sessions.find(id); it != sessions.end()) it->second->serve();
            }
        }
        hand_over_lines();
    }

    // The trace and fault log lines the model wrote, to the functions of the options.
    void hand_over_lines()
    {
        const broker_options& o = state->options();
        for (const log_line& line : state->take_lines()) {
            const auto& to = line.to == log_line::sink::fault_log ? o.fault_log : o.trace;
            if (to) to(line.text);
        }
    }

    // A fault asked for a restart: after the current work, from the io_context, which
    // may run it after the broker is gone.
    void post_restart()
    {
        asio::post(io, [this, alive = std::weak_ptr<void>(alive)] {
            if (alive.expired() || !running) return;
            enter();
            restart_now();
            serve_ready();
            changed();
        });
    }

    // broker::restart() on the broker's thread.
    void restart_now()
    {
        auto all = sessions;
        for (auto& [id, s] : all) {
            s->shutdown(protocol::reply_code::connection_forced,
                        "broker forced connection closure with reason 'shutdown'");
        }
        state->restart();
    }

    // Runs f where the broker's state lives and returns its result.
    template <class F>
    auto on_broker(F f) -> decltype(f())
    {
        auto in_model = [this, f = std::move(f)]() mutable {
            enter();
            if constexpr (std::is_void_v<decltype(f())>) {
                f();
                serve_ready();
            } else {
                auto result = f();
                serve_ready();
                return result;
            }
        };
        if (!thread.joinable() || std::this_thread::get_id() == thread.get_id()) return in_model();
        std::packaged_task<decltype(f())()> task(std::move(in_model));
        auto result = task.get_future();
        asio::post(io, [&task] { task(); });
        return result.get();
    }

    void listen();

    void accept(asio::ip::tcp::acceptor& acceptor)
    {
        acceptor.async_accept([this, &acceptor](std::error_code ec, asio::ip::tcp::socket socket) {
            if (ec) return;  // the acceptor closed
            add_session(make_tcp_stream(std::move(socket)));
            accept(acceptor);
        });
    }

    void accept_tls(asio::ip::tcp::acceptor& acceptor)
    {
        acceptor.async_accept([this, &acceptor](std::error_code ec, asio::ip::tcp::socket socket) {
            if (ec) return;
            // A failed TLS handshake never reaches AMQP: the socket just closes.
            fakebroker::accept_tls(std::move(socket), *tls_context,
                                   [this](std::error_code handshake, std::shared_ptr<session_stream> stream) {
                                       if (!handshake && running) add_session(std::move(stream));
                                   });
            accept_tls(acceptor);
        });
    }

    void add_session(std::shared_ptr<session_stream> stream)
    {
        session_events events;
        events.after_work = [this] {
            serve_ready();
            changed();
        };
        events.restart = [this] { post_restart(); };
        events.closed = [this](session* closed) {
            hand_over_lines();
            // Deferred: the session may be inside its own handler. The io_context may
            // run it after the broker is gone.
            asio::post(io, [this, alive = std::weak_ptr<void>(alive), id = closed->connection().id()] {
                if (alive.expired()) return;
                sessions.erase(id);
                changed();
            });
        };
        enter();
        auto s = std::make_shared<session>(std::move(stream), state, clock, std::move(events));
        sessions.emplace(s->connection().id(), s);
        s->start();
        serve_ready();
        changed();
    }

    // The amqps listener's TLS context; throws std::system_error naming what failed.
    void make_tls_context(const tls_listener_options& tls)
    {
        namespace ssl = asio::ssl;
        tls_context.emplace(ssl::context::tls_server);
        tls_context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                                 ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
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
        enter();
        const auto next = state->on_timer();
        serve_ready();
        const auto now = state->now();
        // Idle TTLs and x-expires are checked at least every 100 ms; reads and deliveries
        // check them exactly.
        auto at = now + std::chrono::milliseconds(100);
        if (next && *next < at) at = *next;
        timer->wait_until(at, [this](std::error_code ec) {
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
    runtime::clock& clock;
    std::shared_ptr<broker_state> state;
    // One per address listened on (both loopbacks by default), all on one port.
    std::vector<asio::ip::tcp::acceptor> acceptors;
    std::vector<asio::ip::tcp::acceptor> tls_acceptors;
    std::optional<asio::ssl::context> tls_context;
    std::uint16_t tls_port = 0;
    // By connection id, i.e. in accept order: a restart closes them in a reproducible order.
    std::map<std::uint64_t, std::shared_ptr<session>> sessions;
    std::unique_ptr<runtime::timer> timer;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::thread thread;
    std::uint16_t port = 0;
    std::uint64_t pipes_attached = 0;
    // Expires with the broker: handlers left in a caller's io_context check it.
    std::shared_ptr<int> alive = std::make_shared<int>(0);
    bool running = false;

    std::mutex mutex;
    std::condition_variable cv;
    std::uint64_t version = 0;
};

}  // namespace amqp::fakebroker
