// A session over one end of an in-memory pipe: what attach() serves in a simulation.
#include "session_stream.hpp"

namespace amqp::fakebroker {
namespace {

class pipe_stream final : public session_stream {
public:
    pipe_stream(std::shared_ptr<runtime::pipe_end> end, std::string peer, asio::any_io_executor executor)
        : end_(std::move(end)), peer_(std::move(peer)), executor_(std::move(executor))
    {}

    void async_read_some(asio::mutable_buffer buffer, handler done) override
    {
        end_->async_read_some(buffer, std::move(done));
    }
    void async_write(asio::const_buffer buffer, handler done) override { end_->async_write(buffer, std::move(done)); }
    void write_now(asio::const_buffer buffer) override
    {
        // A pipe takes the bytes at once; only the completion is posted.
        end_->async_write(buffer, [](std::error_code, std::size_t) {});
    }
    void close() override { end_->close(); }
    void reset() override { end_->reset(); }
    void end() override { end_->close(); }
    const std::string& peer() const override { return peer_; }
    asio::any_io_executor get_executor() override { return executor_; }

private:
    std::shared_ptr<runtime::pipe_end> end_;
    std::string peer_;
    asio::any_io_executor executor_;
};

}  // namespace

std::shared_ptr<session_stream> make_pipe_stream(std::shared_ptr<runtime::pipe_end> end, std::string peer,
                                                 asio::any_io_executor executor)
{
    return std::make_shared<pipe_stream>(std::move(end), std::move(peer), std::move(executor));
}

}  // namespace amqp::fakebroker
