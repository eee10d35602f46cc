// The embedded target: a fresh embedded broker on the runner's thread, connections over in-memory pipes.
#include "runner.hpp"

#include <amqp/fakebroker/broker.hpp>
#include <amqp/runtime/memory_pipe.hpp>

#include <asio/buffer.hpp>
#include <asio/io_context.hpp>

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace amqp::differential {

namespace {

class embedded_target final : public target {
public:
    embedded_target() : broker_(io_, options()) { broker_.start(); }

    ~embedded_target() override
    {
        for (auto& c : connections_) {
            if (c.alive) *c.alive = false;
            if (c.end) c.end->close();
        }
        broker_.stop();
        io_.restart();
        io_.poll();
    }

    void open(int connection, session& s) override
    {
        auto [client, server] = runtime::make_memory_pipe(io_.get_executor());
        slot& c = connections_[std::size_t(connection)];
        c = slot{};
        c.end = client;
        c.client = &s;
        c.alive = std::make_shared<bool>(true);
        broker_.attach(server, "differential:" + std::to_string(connection));
        read(connection);
    }

    void close(int connection) override
    {
        slot& c = connections_[std::size_t(connection)];
        if (c.end) c.end->close();
        c.end.reset();
        c.client = nullptr;
        if (c.alive) *c.alive = false;
    }

    void settle(const std::function<bool()>&, clock::time_point, std::size_t step) override
    {
        step_ = step;
        for (;;) {
            flush();
            io_.restart();
            const std::size_t ran = io_.poll();
            if (ran == 0 && !pending_output()) return;
        }
    }

    void clean_up(const std::vector<std::string>&, const std::vector<std::string>&) override {}
    bool immediate() const override { return true; }

private:
    struct slot {
        std::shared_ptr<runtime::pipe_end> end;
        differential::session* client = nullptr;
        std::shared_ptr<bool> alive;
        std::shared_ptr<std::array<std::byte, 65536>> buffer = std::make_shared<std::array<std::byte, 65536>>();
    };

    static fakebroker::broker_options options()
    {
        fakebroker::broker_options o;
        o.listen = false;
        return o;
    }

    bool pending_output() const
    {
        for (const auto& c : connections_) {
            if (c.end && c.client && c.client->has_output()) return true;
        }
        return false;
    }

    void flush()
    {
        for (auto& c : connections_) {
            if (!c.end || !c.client || !c.client->has_output()) continue;
            auto bytes = std::make_shared<std::string>(c.client->take_output());
            c.end->async_write(asio::buffer(*bytes), [bytes](std::error_code, std::size_t) {});
        }
    }

    void read(int connection)
    {
        slot& c = connections_[std::size_t(connection)];
        auto end = c.end;
        auto alive = c.alive;
        auto buffer = c.buffer;
        end->async_read_some(asio::buffer(*buffer),
                             [this, connection, alive, buffer](std::error_code ec, std::size_t n) {
                                 if (!*alive) return;
                                 slot& c = connections_[std::size_t(connection)];
                                 if (ec) {
                                     c.client->server_closed(step_);
                                     return;
                                 }
                                 c.client->receive(std::span<const std::byte>(buffer->data(), n), step_);
                                 read(connection);
                             });
    }

    asio::io_context io_;
    fakebroker::broker broker_;
    std::array<slot, max_connections> connections_;
    std::size_t step_ = 0;
};

}  // namespace

std::unique_ptr<target> make_embedded_target() { return std::make_unique<embedded_target>(); }

}  // namespace amqp::differential
