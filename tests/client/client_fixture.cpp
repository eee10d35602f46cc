#include "client_fixture.hpp"

#include <amqp/fakebroker/broker.hpp>

#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <cstdlib>
#include <random>

namespace amqp::test {
namespace {

std::string random_suffix()
{
    std::random_device device;
    return std::to_string(device() % 1000000);
}

std::string test_name()
{
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return std::string(info->test_suite_name()) + "." + info->name();
}

}  // namespace

client_test::client_test() : suffix_(random_suffix())
{
    if (const char* env = std::getenv("AMQP_URL"); env && *env) {
        url_ = env;
        external_ = true;
        return;
    }
    broker_ = std::make_unique<fakebroker::broker>();
    broker_->start();
    url_ = broker_->url();
}

client_test::~client_test()
{
    if (external_) delete_entities();
}

void client_test::run(std::function<asio::awaitable<void>()> body, std::chrono::milliseconds timeout)
{
    bool finished = false;
    std::exception_ptr error;
    asio::co_spawn(io_, body(), [&](std::exception_ptr e) {
        finished = true;
        error = e;
    });
    io_.restart();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!finished && std::chrono::steady_clock::now() < deadline) io_.run_one_until(deadline);
    ASSERT_TRUE(finished) << "the test body did not finish within " << timeout.count() << " ms";
    // Let handlers that are already due (closing sockets) run.
    io_.poll();
    if (error) std::rethrow_exception(error);
}

asio::awaitable<client::connection> client_test::connect()
{
    co_return co_await client::connect(io_.get_executor(), url_);
}

std::string client_test::queue_name(std::string_view what)
{
    queues_.push_back(test_name() + "." + std::string(what) + "." + suffix_);
    return queues_.back();
}

std::string client_test::exchange_name(std::string_view what)
{
    exchanges_.push_back(test_name() + "." + std::string(what) + "." + suffix_);
    return exchanges_.back();
}

std::string client_test::url_with(std::string_view user, std::string_view password, std::string_view vhost) const
{
    auto parsed = client::parse_url(url_);
    const auto& options = std::get<client::connection_options>(parsed);
    const auto& where = options.endpoints.front();
    std::string encoded_vhost;
    for (char c : vhost) encoded_vhost += c == '/' ? std::string("%2F") : std::string(1, c);
    return std::string(options.tls ? "amqps" : "amqp") + "://" + std::string(user) + ":" + std::string(password) + "@" +
           where.host + ":" + std::to_string(where.port) + "/" + encoded_vhost;
}

void client_test::delete_entities()
{
    if (queues_.empty() && exchanges_.empty()) return;
    asio::io_context io;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            auto conn = co_await client::connect(io.get_executor(), url_);
            auto ch = co_await conn.channel();
            for (const auto& q : queues_) {
                auto [ec, n] =
                    co_await ch.queue_delete(q, false, false, asio::experimental::as_tuple(asio::use_awaitable));
                (void)n;
                if (ec) ch = co_await conn.channel();
            }
            for (const auto& x : exchanges_) {
                auto [ec] = co_await ch.exchange_delete(x, false, asio::experimental::as_tuple(asio::use_awaitable));
                if (ec) ch = co_await conn.channel();
            }
            co_await conn.close();
        },
        [](std::exception_ptr) {});
    io.run_for(std::chrono::seconds(10));
}

}  // namespace amqp::test
