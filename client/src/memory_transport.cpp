#include <amqp/client/memory_transport.hpp>

namespace amqp::client {
namespace {

class memory_transport final : public transport {
public:
    memory_transport(std::shared_ptr<runtime::pipe_end> end, std::string peer)
        : end_(std::move(end)), peer_(std::move(peer))
    {}
    // Like a socket: gone with its owner, even when the test still holds the pipe end.
    ~memory_transport() override { end_->close(); }
    memory_transport(const memory_transport&) = delete;
    memory_transport& operator=(const memory_transport&) = delete;

    void async_read_some(asio::mutable_buffer buffer, io_handler handler) override
    {
        end_->async_read_some(buffer, std::move(handler));
    }
    void async_write(asio::const_buffer buffer, io_handler handler) override
    {
        end_->async_write(buffer, std::move(handler));
    }
    void close() override { end_->close(); }
    std::string peer() const override { return peer_; }

private:
    std::shared_ptr<runtime::pipe_end> end_;
    std::string peer_;
};

}  // namespace

std::unique_ptr<transport> make_memory_transport(std::shared_ptr<runtime::pipe_end> end, std::string peer)
{
    return std::make_unique<memory_transport>(std::move(end), std::move(peer));
}

}  // namespace amqp::client
