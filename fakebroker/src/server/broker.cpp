#include "broker_impl.hpp"

namespace amqp::fakebroker {

using asio::ip::tcp;

broker::broker(broker_options options) : impl_(std::make_unique<impl>(nullptr, std::move(options))) {}

broker::broker(asio::io_context& io, broker_options options) : impl_(std::make_unique<impl>(&io, std::move(options))) {}

broker::~broker() { stop(); }

void broker::start()
{
    if (impl_->running) return;
    auto& i = *impl_;
    if (i.options.listen) i.listen();
    i.running = true;
    // Started here, not posted: a posted start would outlive a broker destroyed before
    // its io_context ran. The broker's own thread does not exist yet, and a caller's
    // io_context is driven by the thread calling start().
    for (auto& acceptor : i.acceptors) i.accept(acceptor);
    for (auto& acceptor : i.tls_acceptors) i.accept_tls(acceptor);
    i.arm_timer();
    if (i.owned_io) {
        i.owned_io->restart();
        i.work.emplace(i.owned_io->get_executor());
        i.thread = std::thread([&i] { i.owned_io->run(); });
    }
}

void broker::impl::listen()
{
    acceptors = listen_on(io, options.address, options.port);
    port = acceptors.front().local_endpoint().port();
    if (options.tls) {
        make_tls_context(*options.tls);
        tls_acceptors = listen_on(io, options.address, options.tls->port);
        tls_port = tls_acceptors.front().local_endpoint().port();
    }
}

void broker::attach(std::shared_ptr<runtime::pipe_end> end, std::string peer)
{
    auto& i = *impl_;
    auto serve = [&i, end = std::move(end), peer = std::move(peer)]() mutable {
        if (!i.running) {
            end->close();
            return;
        }
        if (peer.empty()) peer = "pipe:" + std::to_string(++i.pipes_attached);
        i.add_session(make_pipe_stream(std::move(end), std::move(peer), i.io.get_executor()));
    };
    if (i.thread.joinable() && std::this_thread::get_id() != i.thread.get_id()) {
        asio::post(i.io, std::move(serve));
    } else {
        serve();
    }
}

void broker::stop()
{
    auto& i = *impl_;
    if (!i.running) return;
    auto close_all = [&i] {
        i.enter();
        i.running = false;
        std::error_code ignored;
        for (auto& acceptor : i.acceptors) acceptor.close(ignored);
        for (auto& acceptor : i.tls_acceptors) acceptor.close(ignored);
        i.timer->cancel();
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
    i.acceptors.clear();
    i.tls_acceptors.clear();
    i.changed();
}

std::uint16_t broker::tls_port() const { return impl_->tls_port; }

std::uint16_t broker::port() const { return impl_->port; }

std::string broker::url() const
{
    const auto& users = impl_->options.users;
    std::string credentials = users.empty() ? "" : users.front().name + ":" + users.front().password + "@";
    return "amqp://" + credentials + host() + ":" + std::to_string(impl_->port) + "/";
}

std::string broker::host() const { return url_host(impl_->options.address); }

const broker_options& broker::options() const { return impl_->options; }

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

std::vector<message_info> broker::peek(std::string_view queue_name, std::size_t max, std::string_view vhost_name) const
{
    return impl_->on_broker([&] {
        vhost* v = impl_->state->find_vhost(vhost_name);
        auto q = v ? v->find_queue(queue_name) : nullptr;
        return q ? q->peek(max) : std::vector<message_info>{};
    });
}

bool broker::wait_for_depth(std::string_view queue_name, std::size_t depth, std::chrono::milliseconds timeout,
                            std::string_view vhost_name) const
{
    return impl_->wait_until(
        [&] {
            vhost* v = impl_->state->find_vhost(vhost_name);
            auto q = v ? v->find_queue(queue_name) : nullptr;
            return q && q->ready_count() == depth;
        },
        timeout);
}

bool broker::wait_for_consumers(std::string_view queue_name, std::size_t count, std::chrono::milliseconds timeout,
                                std::string_view vhost_name) const
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
        impl_->restart_now();
        return 0;
    });
    impl_->changed();
}

void broker::set_blocked(bool blocked, std::string_view reason)
{
    impl_->on_broker([&] {
        impl_->state->set_alarm(blocked ? std::optional<std::string>(reason) : std::nullopt);
        for (const auto& [id, c] : impl_->state->connections()) c->set_blocked(blocked, std::string(reason));
        return 0;
    });
}

void broker::set_consumer_timeout(std::optional<std::chrono::milliseconds> timeout)
{
    impl_->on_broker([&] {
        impl_->state->set_consumer_timeout(timeout);
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
