#include <amqp/client/blocking_connection.hpp>
#include <amqp/client/connection.hpp>
#include <amqp/client/url.hpp>

#include "channel_state.hpp"

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>

namespace amqp::client::detail {
namespace {

// A completion token for the library's initiating functions that hands the handler
// an exception_ptr (the typed exception with close info and returned message, as
// use_awaitable throws it) instead of an error code.
template <class F>
struct exception_token {
    F handler;
};

}  // namespace
}  // namespace amqp::client::detail

template <class F, class... Ts>
struct asio::async_result<amqp::client::detail::exception_token<F>, void(std::error_code, Ts...)> {
    template <class Initiation, class... Args>
    static void initiate(Initiation&& initiation, amqp::client::detail::exception_token<F> token, Args&&... args)
    {
        std::forward<Initiation>(initiation)(amqp::client::detail::throwing_handler<F>{std::move(token.handler)},
                                             std::forward<Args>(args)...);
    }
};

namespace amqp::client {
namespace detail {
namespace {

using clock = std::chrono::steady_clock;

// The one lock and condition of a blocking connection: operation results, consumer
// buffers, queued callbacks and the connection's state all change under it, so one
// wait sees any of them. The I/O thread's handlers hold this (never the connection
// or channel objects), so the last reference to those is always dropped by a caller.
struct sync_state {
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::function<void()>> callbacks;
    bool stopped = false;

    void notify() { changed.notify_all(); }
};

struct status {
    std::atomic<bool> open{false};
    close_info reason;  // under sync_state::mutex
};

// The result of one operation run on the I/O thread.
template <class R>
struct outcome {
    using value_type = std::conditional_t<std::is_void_v<R>, std::monostate, R>;
    bool done = false;
    std::exception_ptr error;
    std::optional<value_type> value;
};

// Completes an outcome; copies share it, and only the first call counts.
template <class R>
struct fulfil {
    std::shared_ptr<sync_state> sync;
    std::shared_ptr<outcome<R>> result;

    template <class... V>
    void operator()(std::exception_ptr error, V&&... values) const
    {
        {
            std::lock_guard lock(sync->mutex);
            if (result->done) return;
            result->done = true;
            // Moved, not copied: the caller's thread must hold the only reference, so the
            // exception is freed there (TSan cannot see libstdc++'s own refcounting).
            result->error = std::move(error);
            if (!error) {
                if constexpr (std::is_void_v<R>) result->value.emplace();
                else result->value.emplace(std::forward<V>(values)...);
            }
        }
        sync->notify();
    }

    // The library's internal completions report a failure instead.
    template <class... V>
    void complete(const failure& f, V&&... values) const
    {
        (*this)(f ? make_exception(f.ec, f.info.get(), f.returned) : nullptr, std::forward<V>(values)...);
    }

    exception_token<fulfil> token() const { return {*this}; }
};

[[noreturn]] void throw_error(std::error_code ec, std::string text)
{
    const close_info info{0, std::move(text)};
    std::rethrow_exception(make_exception(ec, &info));
}

// What to do when an operation's bound passed.
enum class on_expiry { fail, abort_and_fail, abort };

}  // namespace

class blocking_core {
public:
    blocking_core(connection_options options, std::optional<std::chrono::milliseconds> operation_timeout)
        : options_(std::move(options)), operation_timeout_(operation_timeout)
    {
        thread_ = std::thread([this] {
            for (;;) {
                try {
                    io_.run();
                    break;
                } catch (...) {
                    // No handler of the library throws; keep the connection's thread alive
                    // for the callers waiting on it.
                }
            }
            {
                std::lock_guard lock(sync_->mutex);
                finished_ = true;
            }
            sync_->notify();
        });
        io_thread_ = thread_.get_id();
    }

    ~blocking_core() { stop(); }

    blocking_core(const blocking_core&) = delete;
    blocking_core& operator=(const blocking_core&) = delete;

    const std::shared_ptr<sync_state>& sync() const noexcept { return sync_; }
    const connection_options& options() const noexcept { return options_; }
    std::optional<std::chrono::milliseconds> operation_timeout() const noexcept { return operation_timeout_; }
    bool is_open() const noexcept { return status_->open; }
    close_info close_reason() const
    {
        std::lock_guard lock(sync_->mutex);
        return status_->reason;
    }

    // Runs `start(done)` on the I/O thread, where it begins an operation that calls
    // `done` (a fulfil<R>) once; waits for it, running queued callbacks meanwhile.
    template <class R, class Start>
    R run(Start start, std::optional<std::chrono::milliseconds> bound, on_expiry expiry = on_expiry::abort_and_fail)
    {
        check_thread();
        {
            std::unique_lock lock(sync_->mutex);
            while (run_one_callback(lock)) {}
        }
        fulfil<R> done{sync_, std::make_shared<outcome<R>>()};
        if (!post([start = std::move(start), done]() mutable {
                // Handed over after the catch ends, so this thread keeps no reference.
                std::exception_ptr error;
                try {
                    start(done);
                } catch (...) {
                    error = std::current_exception();
                }
                if (error) done(std::move(error));
            }))
            throw_closed();
        return wait<R>(*done.result, bound, expiry);
    }

    // Runs `f()` on the I/O thread and returns what it returned.
    template <class R, class F>
    R on_io(F f)
    {
        return run<R>(
            [f = std::move(f)](const fulfil<R>& done) mutable {
                if constexpr (std::is_void_v<R>) {
                    f();
                    done(nullptr);
                } else {
                    done(nullptr, f());
                }
            },
            operation_timeout_);
    }

    // Posts `f` to the I/O thread unless the connection was stopped.
    template <class F>
    bool post(F&& f)
    {
        std::lock_guard lock(sync_->mutex);
        if (sync_->stopped) return false;
        asio::post(io_, std::forward<F>(f));
        return true;
    }

    void connect()
    {
        // The connect operation has its own timers; this bound is the safety net.
        const auto rounds = std::max(1u, options_.connection_attempts);
        const auto endpoints = std::max<std::size_t>(1, options_.endpoints.size());
        const auto bound = options_.connection_timeout * static_cast<long>(rounds * endpoints) +
                           options_.retry_delay * static_cast<long>(rounds - 1) + std::chrono::seconds(5);
        auto opened = run<connection>(
            [this](const fulfil<connection>& done) { connection::connect(io_.get_executor(), options_, done.token()); },
            bound, on_expiry::fail);
        on_io<void>([this, opened = std::move(opened)]() mutable {
            conn_ = std::move(opened);
            watch_connection();
        });
    }

    void close()
    {
        if (!is_open()) return;
        try {
            run<void>(
                [this](const fulfil<void>& done) {
                    if (!conn_.is_open()) {
                        done(nullptr);
                        return;
                    }
                    conn_.close(done.token());
                },
                options_.connection_timeout, on_expiry::abort);
        } catch (const amqp_error&) {
            // Closed either way; the reason is in close_reason().
        }
    }

    // Drops the socket without the close handshake (pending operations fail).
    void abort()
    {
        post([this] { conn_ = connection{}; });
    }

    template <class Start>
    channel open_channel(Start&& start)
    {
        return run<channel>(
            [this, start = std::forward<Start>(start)](const fulfil<channel>& done) mutable {
                if (!conn_.is_open()) {
                    done(closed_error());
                    return;
                }
                start(conn_, done);
            },
            operation_timeout_);
    }

    void add_callback(std::function<void()> callback)
    {
        {
            std::lock_guard lock(sync_->mutex);
            if (sync_->stopped) return;
            sync_->callbacks.push_back(std::move(callback));
        }
        sync_->notify();
    }

    // Runs one queued callback with the lock released; false when there was none.
    bool run_one_callback(std::unique_lock<std::mutex>& lock)
    {
        if (sync_->callbacks.empty()) return false;
        auto callback = std::move(sync_->callbacks.front());
        sync_->callbacks.pop_front();
        lock.unlock();
        try {
            callback();
        } catch (...) {
            lock.lock();
            throw;
        }
        lock.lock();
        return true;
    }

    void process_data_events(std::chrono::milliseconds time_limit)
    {
        check_thread();
        const auto deadline = clock::now() + time_limit;
        std::unique_lock lock(sync_->mutex);
        bool ran = false;
        for (;;) {
            if (run_one_callback(lock)) {
                ran = true;
                continue;
            }
            if (!status_->open) throw_closed_locked();
            if (ran || clock::now() >= deadline) return;
            sync_->changed.wait_until(lock, deadline);
        }
    }

    void check_thread() const
    {
        if (std::this_thread::get_id() == io_thread_)
            throw_error(errc::invalid_argument, "a blocking call from the connection's own thread would deadlock");
    }

    std::exception_ptr closed_error() const
    {
        std::lock_guard lock(sync_->mutex);
        return closed_error_locked();
    }

    std::exception_ptr closed_error_locked() const
    {
        auto info = status_->reason;
        if (info.reply_text.empty() && info.reply_code == 0) info.reply_text = "the connection is closed";
        return make_exception(errc::connection_closed, &info);
    }

    [[noreturn]] void throw_closed() const
    {
        std::exception_ptr error;
        {
            std::lock_guard lock(sync_->mutex);
            error = closed_error_locked();
        }
        std::rethrow_exception(error);
    }

    [[noreturn]] void throw_closed_locked() const { std::rethrow_exception(closed_error_locked()); }

    // Closes nothing: aborts what is left, lets the I/O thread drain (bounded) and
    // joins it. Idempotent.
    void stop()
    {
        if (!thread_.joinable()) return;
        abort();
        {
            std::lock_guard lock(sync_->mutex);
            sync_->stopped = true;
            sync_->callbacks.clear();
        }
        sync_->notify();
        work_.reset();
        {
            std::unique_lock lock(sync_->mutex);
            if (!sync_->changed.wait_for(lock, options_.connection_timeout, [this] { return finished_; })) io_.stop();
        }
        thread_.join();
    }

private:
    template <class R>
    R wait(outcome<R>& result, std::optional<std::chrono::milliseconds> bound, on_expiry expiry)
    {
        const auto deadline = bound ? clock::now() + *bound : clock::time_point::max();
        std::unique_lock lock(sync_->mutex);
        while (!result.done) {
            if (run_one_callback(lock)) continue;
            if (finished_) throw_closed_locked();
            if (!bound) {
                sync_->changed.wait(lock);
                continue;
            }
            if (sync_->changed.wait_until(lock, deadline) == std::cv_status::timeout && !result.done) {
                lock.unlock();
                expired(*bound, expiry);
                if constexpr (std::is_void_v<R>) return;
                else throw_error(errc::timeout, "no answer from the broker");  // not reached
            }
        }
        if (auto error = std::exchange(result.error, nullptr)) std::rethrow_exception(error);
        if constexpr (!std::is_void_v<R>) return std::move(*result.value);
    }

    void expired(std::chrono::milliseconds bound, on_expiry expiry)
    {
        const auto text = "no answer from the broker within " + std::to_string(bound.count()) + " ms";
        switch (expiry) {
        case on_expiry::fail: abort(); throw_error(errc::connection_timeout, text);
        case on_expiry::abort_and_fail: abort(); throw_error(errc::timeout, text);
        case on_expiry::abort: abort(); return;
        }
    }

    // On the I/O thread, once connected.
    void watch_connection()
    {
        if (!conn_.is_open()) {
            std::lock_guard lock(sync_->mutex);
            status_->reason = conn_.close_reason();
            return;
        }
        status_->open = true;
        conn_.on_close([sync = sync_, status = status_](const close_info& reason) {
            {
                std::lock_guard lock(sync->mutex);
                status->reason = reason;
                status->open = false;
            }
            sync->notify();
        });
    }

    // Declared first: destroyed last, after everything bound to it.
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
    std::shared_ptr<sync_state> sync_ = std::make_shared<sync_state>();
    std::shared_ptr<status> status_ = std::make_shared<status>();
    connection_options options_;
    std::optional<std::chrono::milliseconds> operation_timeout_;
    bool finished_ = false;  // under sync_->mutex: the I/O thread returned
    // Touched on the I/O thread only (after construction).
    connection conn_;
    std::thread thread_;
    std::thread::id io_thread_;
};

// The buffer of a consume() consumer, filled on the I/O thread.
struct consumer_box {
    std::string queue;
    std::string tag;
    bool no_ack = false;
    // Under sync_state::mutex:
    std::deque<incoming_message> buffer;
    bool ended = false;
    bool cancelled_by_us = false;
    failure end_reason;
};

class blocking_channel_state {
public:
    blocking_channel_state(std::shared_ptr<blocking_core> core, channel ch, std::shared_ptr<status> st)
        : core(std::move(core)),
          handle(std::move(ch)),
          state(std::move(st)),
          number(handle.number()),
          confirms(handle.publisher_confirms())
    {}

    ~blocking_channel_state()
    {
        // Close it on the I/O thread (without waiting), where its handle and the
        // messages still buffered are released too.
        (void)core->post([handle = std::move(handle), consumer = std::move(consumer)]() mutable {
            if (handle.is_open()) handle.close([](std::error_code) {});
            handle = channel{};
            consumer.reset();
        });
        unsettled.clear();
    }

    blocking_channel_state(const blocking_channel_state&) = delete;
    blocking_channel_state& operator=(const blocking_channel_state&) = delete;

    // Runs an operation of the channel (on the I/O thread) and waits for it.
    // A channel closed with its connection reports the connection's close.
    template <class R, class Start>
    R run(Start start)
    {
        try {
            return core->run<R>(
                [handle = handle, start = std::move(start)](const fulfil<R>& done) mutable { start(handle, done); },
                core->operation_timeout());
        } catch (const channel_closed_error&) {
            if (!core->is_open()) std::rethrow_exception(core->closed_error());
            throw;
        }
    }

    std::exception_ptr closed_error() const
    {
        close_info info;
        {
            std::lock_guard lock(core->sync()->mutex);
            info = state->reason;
        }
        if (!core->is_open()) return core->closed_error();
        return make_exception(errc::channel_closed, &info);
    }

    // Settles via `m` on the I/O thread; forgets the tags it settled.
    void settle(const incoming_message& m, channel_state::settlement how, bool multiple, bool requeue)
    {
        const auto ec = core->on_io<std::error_code>([m, how, multiple, requeue] {
            switch (how) {
            case channel_state::settlement::ack: return m.ack(multiple);
            case channel_state::settlement::nack: return m.nack(requeue, multiple);
            case channel_state::settlement::reject: return m.reject(requeue);
            }
            return std::error_code(errc::invalid_argument);
        });
        forget(m.delivery_tag, multiple);
        if (ec == errc::channel_closed) std::rethrow_exception(closed_error());
        if (ec) throw_error(ec, "delivery " + std::to_string(m.delivery_tag));
    }

    void forget(std::uint64_t tag, bool multiple)
    {
        if (multiple) unsettled.erase(unsettled.begin(), unsettled.upper_bound(tag));
        else unsettled.erase(tag);
    }

    void settle(std::uint64_t tag, channel_state::settlement how, bool multiple, bool requeue)
    {
        if (tag == 0 && multiple) {
            if (unsettled.empty()) return;
            tag = unsettled.rbegin()->first;
        }
        const auto it = unsettled.find(tag);
        if (it == unsettled.end())
            throw_error(errc::already_settled,
                        "delivery " + std::to_string(tag) + " was not handed out by this channel or is settled");
        settle(incoming_message(it->second), how, multiple, requeue);
    }

    void remember(const incoming_message& m, bool no_ack)
    {
        if (!no_ack) unsettled.emplace(m.delivery_tag, m);
    }

    // Declared first: the connection outlives everything below.
    std::shared_ptr<blocking_core> core;
    channel handle;  // used on the I/O thread
    std::shared_ptr<status> state;
    std::uint16_t number = 0;
    bool confirms = false;
    // The caller's side:
    std::shared_ptr<consumer_box> consumer;
    std::map<std::uint64_t, incoming_message> unsettled;
};

}  // namespace detail

using detail::fulfil;

// --- blocking_connection ---------------------------------------------------------

namespace {

connection_options options_from(std::string_view url)
{
    auto parsed = parse_url(url);
    if (auto* error = std::get_if<url_error>(&parsed))
        detail::throw_error(errc::invalid_argument, "bad AMQP URL: " + error->message);
    return std::get<connection_options>(std::move(parsed));
}

}  // namespace

blocking_connection::blocking_connection(std::string_view url,
                                         std::optional<std::chrono::milliseconds> operation_timeout)
    : blocking_connection(options_from(url), operation_timeout)
{}

blocking_connection::blocking_connection(connection_options options,
                                         std::optional<std::chrono::milliseconds> operation_timeout)
    : core_(std::make_shared<detail::blocking_core>(std::move(options), operation_timeout))
{
    core_->connect();
}

blocking_connection::~blocking_connection()
{
    if (!core_) return;
    core_->close();
    core_->stop();
}

blocking_connection::blocking_connection(blocking_connection&&) noexcept = default;

blocking_connection& blocking_connection::operator=(blocking_connection&& other) noexcept
{
    if (this != &other) {
        blocking_connection dropped(std::move(*this));
        core_ = std::move(other.core_);
    }
    return *this;
}

blocking_channel blocking_connection::channel(bool publisher_confirms)
{
    if (!core_) detail::throw_error(errc::connection_closed, "the connection was moved from");
    auto opened = core_->open_channel([publisher_confirms](connection& conn, const fulfil<client::channel>& done) {
        conn.channel(channel_options{.publisher_confirms = publisher_confirms}, done.token());
    });
    auto state = std::make_shared<detail::status>();
    // Watch it close; on the I/O thread, where it cannot close in between.
    core_->on_io<void>([opened, state, sync = core_->sync()]() mutable {
        if (!opened.is_open()) {
            std::lock_guard lock(sync->mutex);
            state->reason = opened.close_reason();
            return;
        }
        state->open = true;
        opened.on_close([sync, state](const close_info& reason) {
            {
                std::lock_guard lock(sync->mutex);
                state->reason = reason;
                state->open = false;
            }
            sync->notify();
        });
    });
    return blocking_channel(std::make_shared<detail::blocking_channel_state>(core_, std::move(opened), state));
}

void blocking_connection::close()
{
    if (core_) core_->close();
}

bool blocking_connection::is_open() const noexcept { return core_ && core_->is_open(); }

close_info blocking_connection::close_reason() const { return core_ ? core_->close_reason() : close_info{}; }

void blocking_connection::add_callback_threadsafe(std::function<void()> callback)
{
    if (core_) core_->add_callback(std::move(callback));
}

void blocking_connection::process_data_events(std::chrono::milliseconds time_limit)
{
    if (!core_) detail::throw_error(errc::connection_closed, "the connection was moved from");
    core_->process_data_events(time_limit);
}

void blocking_connection::sleep(std::chrono::milliseconds duration)
{
    const auto deadline = std::chrono::steady_clock::now() + duration;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= std::chrono::milliseconds::zero()) return;
        process_data_events(left);
    }
}

// --- blocking_channel ------------------------------------------------------------

blocking_channel::blocking_channel(std::shared_ptr<detail::blocking_channel_state> state) : state_(std::move(state)) {}
blocking_channel::~blocking_channel() = default;
blocking_channel::blocking_channel(blocking_channel&&) noexcept = default;
blocking_channel& blocking_channel::operator=(blocking_channel&&) noexcept = default;

namespace {

detail::blocking_channel_state& checked(const std::shared_ptr<detail::blocking_channel_state>& state)
{
    if (!state) detail::throw_error(errc::channel_closed, "the channel was moved from");
    return *state;
}

}  // namespace

std::uint16_t blocking_channel::channel_number() const noexcept { return state_ ? state_->number : 0; }
bool blocking_channel::is_open() const noexcept { return state_ && state_->state->open; }
bool blocking_channel::publisher_confirms() const noexcept { return state_ && state_->confirms; }

close_info blocking_channel::close_reason() const
{
    if (!state_) return {};
    std::lock_guard lock(state_->core->sync()->mutex);
    return state_->state->reason;
}

void blocking_channel::exchange_declare(const std::string& exchange, const std::string& type,
                                        const exchange_options& options)
{
    checked(state_).run<void>([exchange, type, options](client::channel& ch, const fulfil<void>& done) {
        ch.declare_exchange(
            exchange, type, options,
            detail::exception_token{[done](std::exception_ptr e, const client::exchange&) { done(std::move(e)); }});
    });
}

void blocking_channel::exchange_delete(const std::string& exchange, bool if_unused)
{
    checked(state_).run<void>([exchange, if_unused](client::channel& ch, const fulfil<void>& done) {
        ch.exchange_delete(exchange, if_unused, done.token());
    });
}

void blocking_channel::exchange_bind(const std::string& destination, const std::string& source,
                                     const std::string& routing_key, const field_table& arguments)
{
    checked(state_).run<void>(
        [destination, source, routing_key, arguments](client::channel& ch, const fulfil<void>& done) {
            ch.exchange_bind(destination, source, routing_key, arguments, done.token());
        });
}

void blocking_channel::exchange_unbind(const std::string& destination, const std::string& source,
                                       const std::string& routing_key, const field_table& arguments)
{
    checked(state_).run<void>(
        [destination, source, routing_key, arguments](client::channel& ch, const fulfil<void>& done) {
            ch.exchange_unbind(destination, source, routing_key, arguments, done.token());
        });
}

queue_declare_result blocking_channel::queue_declare(const std::string& queue, const queue_options& options)
{
    return checked(state_).run<queue_declare_result>([queue, options](client::channel& ch,
                                                                      const fulfil<queue_declare_result>& done) {
        ch.declare_queue(queue, options, detail::exception_token{[done](std::exception_ptr e, const client::queue& q) {
                             done(std::move(e), queue_declare_result{q.name(), q.declared_message_count(),
                                                                     q.declared_consumer_count()});
                         }});
    });
}

void blocking_channel::queue_bind(const std::string& queue, const std::string& exchange, const std::string& routing_key,
                                  const field_table& arguments)
{
    checked(state_).run<void>([queue, exchange, routing_key, arguments](client::channel& ch, const fulfil<void>& done) {
        ch.queue_bind(queue, exchange, routing_key, arguments, done.token());
    });
}

void blocking_channel::queue_unbind(const std::string& queue, const std::string& exchange,
                                    const std::string& routing_key, const field_table& arguments)
{
    checked(state_).run<void>([queue, exchange, routing_key, arguments](client::channel& ch, const fulfil<void>& done) {
        ch.queue_unbind(queue, exchange, routing_key, arguments, done.token());
    });
}

std::uint32_t blocking_channel::queue_purge(const std::string& queue)
{
    return checked(state_).run<std::uint32_t>(
        [queue](client::channel& ch, const fulfil<std::uint32_t>& done) { ch.queue_purge(queue, done.token()); });
}

std::uint32_t blocking_channel::queue_delete(const std::string& queue, bool if_unused, bool if_empty)
{
    return checked(state_).run<std::uint32_t>(
        [queue, if_unused, if_empty](client::channel& ch, const fulfil<std::uint32_t>& done) {
            ch.queue_delete(queue, if_unused, if_empty, done.token());
        });
}

void blocking_channel::basic_qos(std::uint16_t prefetch_count, std::uint32_t prefetch_size, bool global)
{
    checked(state_).run<void>([prefetch_count, prefetch_size, global](client::channel& ch, const fulfil<void>& done) {
        ch.set_qos(prefetch_count, prefetch_size, global, done.token());
    });
}

void blocking_channel::basic_publish(const std::string& exchange, const std::string& routing_key, const message& m,
                                     bool mandatory)
{
    checked(state_).run<void>([exchange, routing_key, m, mandatory](client::channel& ch, const fulfil<void>& done) {
        ch.basic_publish(exchange, routing_key, m, mandatory, done.token());
    });
}

std::optional<incoming_message> blocking_channel::basic_get(const std::string& queue, bool no_ack)
{
    auto& state = checked(state_);
    auto got = state.run<std::optional<incoming_message>>(
        [queue, no_ack](client::channel& ch, const fulfil<std::optional<incoming_message>>& done) {
            ch.basic_get(queue, no_ack, done.token());
        });
    if (got) state.remember(*got, no_ack);
    return got;
}

void blocking_channel::basic_ack(std::uint64_t delivery_tag, bool multiple)
{
    checked(state_).settle(delivery_tag, detail::channel_state::settlement::ack, multiple, false);
}

void blocking_channel::basic_nack(std::uint64_t delivery_tag, bool multiple, bool requeue)
{
    checked(state_).settle(delivery_tag, detail::channel_state::settlement::nack, multiple, requeue);
}

void blocking_channel::basic_reject(std::uint64_t delivery_tag, bool requeue)
{
    checked(state_).settle(delivery_tag, detail::channel_state::settlement::reject, false, requeue);
}

void blocking_channel::basic_ack(const incoming_message& m, bool multiple)
{
    checked(state_).settle(m, detail::channel_state::settlement::ack, multiple, false);
}

void blocking_channel::basic_nack(const incoming_message& m, bool multiple, bool requeue)
{
    checked(state_).settle(m, detail::channel_state::settlement::nack, multiple, requeue);
}

void blocking_channel::basic_reject(const incoming_message& m, bool requeue)
{
    checked(state_).settle(m, detail::channel_state::settlement::reject, false, requeue);
}

consume_range blocking_channel::consume(const std::string& queue,
                                        std::optional<std::chrono::milliseconds> inactivity_timeout, bool no_ack,
                                        const consume_options& options)
{
    auto& state = checked(state_);
    if (state.consumer) {
        bool ended = false;
        {
            std::lock_guard lock(state.core->sync()->mutex);
            ended = state.consumer->ended;
        }
        if (!ended) {
            if (state.consumer->queue != queue || state.consumer->no_ack != no_ack)
                detail::throw_error(errc::invalid_argument, "this channel already consumes from '" +
                                                                state.consumer->queue + "'; cancel() it first");
            return consume_range(state_, state.consumer->tag, inactivity_timeout);
        }
        state.consumer.reset();
    }
    auto box = std::make_shared<detail::consumer_box>();
    box->queue = queue;
    box->no_ack = no_ack;
    auto with = options;
    with.no_ack = no_ack;
    box->tag = state.run<std::string>([queue, with, no_ack, sync = state.core->sync(),
                                       weak = std::weak_ptr<detail::consumer_box>(box)](
                                          client::channel& ch, const fulfil<std::string>& done) {
        detail::consumer_callbacks callbacks{[sync, weak, no_ack](incoming_message m) {
                                                 auto box = weak.lock();
                                                 if (!box) {
                                                     if (!no_ack) (void)m.reject(true);
                                                     return;
                                                 }
                                                 {
                                                     std::lock_guard lock(sync->mutex);
                                                     box->buffer.push_back(std::move(m));
                                                 }
                                                 sync->notify();
                                             },
                                             [sync, weak, executor = ch.get_executor()](const detail::failure& why) {
                                                 // Posted, as the library's completions are: when the
                                                 // connection closed, its close handlers ran by then.
                                                 asio::post(executor, [sync, weak, why] {
                                                     auto box = weak.lock();
                                                     if (!box) return;
                                                     {
                                                         std::lock_guard lock(sync->mutex);
                                                         if (!box->ended) {
                                                             box->ended = true;
                                                             box->end_reason = why;
                                                         }
                                                     }
                                                     sync->notify();
                                                 });
                                             }};
        ch.state()->consume(queue, with, std::move(callbacks),
                            [done](const detail::failure& f, std::string tag) { done.complete(f, std::move(tag)); });
    });
    state.consumer = box;
    return consume_range(state_, box->tag, inactivity_timeout);
}

std::size_t blocking_channel::get_waiting_message_count() const
{
    if (!state_ || !state_->consumer) return 0;
    std::lock_guard lock(state_->core->sync()->mutex);
    return state_->consumer->buffer.size();
}

std::size_t blocking_channel::cancel()
{
    auto& state = checked(state_);
    auto box = std::exchange(state.consumer, nullptr);
    if (!box) return 0;
    {
        std::lock_guard lock(state.core->sync()->mutex);
        box->cancelled_by_us = true;
        if (box->ended) {
            // The broker cancelled it or the channel closed: nothing to cancel, and
            // the broker requeues what was unacked on a closed channel itself.
            box->buffer.clear();
            return 0;
        }
    }
    return state.run<std::size_t>(
        [box, sync = state.core->sync()](client::channel& ch, const fulfil<std::size_t>& done) {
            ch.state()->cancel(box->tag, [done, sync, box](const detail::failure& f) {
                // After cancel-ok no delivery reaches the buffer any more.
                std::deque<incoming_message> left;
                {
                    std::lock_guard lock(sync->mutex);
                    box->ended = true;
                    left.swap(box->buffer);
                }
                sync->notify();
                std::size_t requeued = 0;
                if (!box->no_ack) {
                    for (const auto& m : left) requeued += m.reject(true) ? 0 : 1;
                }
                done.complete(f, requeued);
            });
        });
}

void blocking_channel::tx_select()
{
    checked(state_).run<void>([](client::channel& ch, const fulfil<void>& done) { ch.tx_select(done.token()); });
}

void blocking_channel::tx_commit()
{
    checked(state_).run<void>([](client::channel& ch, const fulfil<void>& done) { ch.tx_commit(done.token()); });
}

void blocking_channel::tx_rollback()
{
    checked(state_).run<void>([](client::channel& ch, const fulfil<void>& done) { ch.tx_rollback(done.token()); });
}

void blocking_channel::close()
{
    if (!state_ || !state_->state->open) return;
    state_->run<void>([](client::channel& ch, const fulfil<void>& done) {
        if (!ch.is_open()) {
            done(nullptr);
            return;
        }
        ch.close(done.token());
    });
    state_->unsettled.clear();
}

// --- consume_range ---------------------------------------------------------------

consume_range::consume_range(std::shared_ptr<detail::blocking_channel_state> channel, std::string consumer_tag,
                             std::optional<std::chrono::milliseconds> inactivity_timeout)
    : channel_(std::move(channel)), consumer_tag_(std::move(consumer_tag)), inactivity_timeout_(inactivity_timeout)
{}

bool consume_range::advance()
{
    current_.reset();
    auto& state = *channel_;
    auto& core = *state.core;
    core.check_thread();
    auto box = state.consumer;
    if (!box || box->tag != consumer_tag_) return false;  // cancelled (and perhaps replaced) meanwhile
    const auto& sync = core.sync();
    const auto deadline =
        inactivity_timeout_ ? detail::clock::now() + *inactivity_timeout_ : detail::clock::time_point::max();
    std::unique_lock lock(sync->mutex);
    for (;;) {
        if (!box->buffer.empty()) {
            current_ = std::move(box->buffer.front());
            box->buffer.pop_front();
            lock.unlock();
            state.remember(*current_, box->no_ack);
            return true;
        }
        if (box->ended) {
            if (box->cancelled_by_us) return false;
            const auto why = box->end_reason;
            lock.unlock();
            if (why.ec == errc::channel_closed && !why.info) std::rethrow_exception(state.closed_error());
            std::rethrow_exception(make_exception(why.ec, why.info.get(), why.returned));
        }
        if (core.run_one_callback(lock)) continue;
        if (sync->stopped) core.throw_closed_locked();
        if (!inactivity_timeout_) {
            sync->changed.wait(lock);
        } else if (sync->changed.wait_until(lock, deadline) == std::cv_status::timeout && box->buffer.empty() &&
                   !box->ended) {
            return true;  // inactivity: current_ stays empty
        }
    }
}

}  // namespace amqp::client
