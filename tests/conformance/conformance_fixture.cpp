#include "conformance_fixture.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

#if __has_include(<amqp/fakebroker/broker.hpp>) && defined(AMQP_HAVE_FAKEBROKER)
#include <amqp/fakebroker/broker.hpp>
#define AMQP_CONFORMANCE_EMBEDDED 1
#else
#define AMQP_CONFORMANCE_EMBEDDED 0
#endif

namespace amqp::test {

namespace proto = amqp::protocol;

#if AMQP_CONFORMANCE_EMBEDDED
namespace {

fakebroker::broker_options with_permission_users()
{
    fakebroker::broker_options options;
    for (const permission_user& u : permission_users) {
        fakebroker::user user{std::string(u.name), std::string(u.password), {}};
        user.vhost_permissions["/"] = {std::string(u.configure), std::string(u.write), std::string(u.read)};
        options.users.push_back(std::move(user));
    }
    return options;
}

}  // namespace

struct conformance::embedded {
    // guest (full permissions, the URL's user) and the permission users.
    fakebroker::broker broker{with_permission_users()};
};
#else
struct conformance::embedded {};
#endif

conformance::conformance()
{
    std::random_device random;
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%08x", unsigned(random()));
    suffix_ = buffer;
}

conformance::~conformance() = default;

void conformance::SetUp()
{
    if (const char* env = std::getenv("AMQP_URL"); env && *env) {
        url_ = env;
        external_ = true;
        return;
    }
#if AMQP_CONFORMANCE_EMBEDDED
    embedded_ = std::make_unique<embedded>();
    embedded_->broker.start();
    url_ = embedded_->broker.url();
#else
    GTEST_SKIP() << "no broker to test: set AMQP_URL (e.g. amqp://guest:guest@127.0.0.1:5672/) "
                    "or build with the embedded broker";
#endif
}

void conformance::TearDown()
{
    if (external_ && (!queues_.empty() || !exchanges_.empty())) delete_entities();
    embedded_.reset();
}

void conformance::delete_entities()
{
    // Cleanup must not hide the test's own failure, nor fail a test that passed
    // because an entity it names was never declared: a delete the broker refuses
    // (it closes the channel) is skipped.
    try {
        amqp_driver d = connect_channel();
        const auto finish = [&d] {
            proto::command c = d.next(1);
            if (std::holds_alternative<proto::channel_close>(c.method)) {
                d.send(1, proto::channel_close_ok{});
                d.open_channel(1);
            }
        };
        for (const std::string& q : queues_) {
            d.send(1, proto::queue_delete{0, q, false, false, false});
            finish();
        }
        for (const std::string& x : exchanges_) {
            d.send(1, proto::exchange_delete{0, x, false, false});
            finish();
        }
        d.close();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "cleanup after the test failed: " << e.what();
    }
}

amqp_driver conformance::connect(const connect_options& options) const
{
    amqp_driver d(url_);
    d.connect(options);
    return d;
}

amqp_driver conformance::connect_channel(const connect_options& options) const
{
    amqp_driver d = connect(options);
    d.open_channel(1);
    return d;
}

amqp_driver conformance::connect_channel_as(const permission_user& user) const
{
    connect_options options;
    options.user = std::string(user.name);
    options.password = std::string(user.password);
    return connect_channel(options);
}

bool conformance::eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (condition()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        // A pause between polls, not a wait for things to settle: the loop ends as
        // soon as the condition holds.
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

std::string conformance::unique_name(std::string_view what) const
{
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name;
    if (info) name = std::string(info->test_suite_name()) + "." + info->name() + ".";
    return name + std::string(what) + "." + suffix_;
}

std::string conformance::queue_name(std::string_view what)
{
    queues_.push_back(unique_name(what));
    return queues_.back();
}

std::string conformance::exchange_name(std::string_view what)
{
    exchanges_.push_back(unique_name(what));
    return exchanges_.back();
}

std::string conformance::delete_queue_after_test(std::string name)
{
    queues_.push_back(std::move(name));
    return queues_.back();
}

std::string conformance::delete_exchange_after_test(std::string name)
{
    exchanges_.push_back(std::move(name));
    return exchanges_.back();
}

proto::queue_declare_ok queue_state(amqp_driver& d, std::uint16_t channel, const std::string& queue)
{
    proto::queue_declare m = declare_queue(queue);
    m.passive = true;
    return d.rpc<proto::queue_declare_ok>(channel, m);
}

bool queue_exists(amqp_driver& d, std::uint16_t channel, const std::string& queue)
{
    proto::queue_declare m = declare_queue(queue);
    m.passive = true;
    d.send(channel, m);
    proto::command c = d.next(channel);
    if (std::holds_alternative<proto::queue_declare_ok>(c.method)) return true;
    if (const auto* close = std::get_if<proto::channel_close>(&c.method);
        close && close->reply_code == std::uint16_t(proto::reply_code::not_found)) {
        d.send(channel, proto::channel_close_ok{});
        d.open_channel(channel);
        return false;
    }
    throw driver_error("queue_exists: expected queue.declare-ok or a 404 channel.close, got " + describe(c));
}

std::optional<message<proto::basic_get_ok>> get(amqp_driver& d, std::uint16_t channel, const std::string& queue,
                                                bool no_ack)
{
    d.send(channel, get_from(queue, no_ack));
    proto::command c = d.next(channel);
    if (std::holds_alternative<proto::basic_get_empty>(c.method)) return std::nullopt;
    if (auto* ok = std::get_if<proto::basic_get_ok>(&c.method)) {
        return message<proto::basic_get_ok>{
            std::move(*ok), c.header ? std::move(c.header->properties) : proto::basic_properties{}, std::move(c.body)};
    }
    throw driver_error("get: expected basic.get-ok or basic.get-empty, got " + describe(c));
}

void publish_confirmed(amqp_driver& d, std::uint16_t channel, const proto::basic_publish& publish,
                       std::string_view body, int count, std::uint64_t first_tag)
{
    for (int i = 0; i < count; ++i) d.send_message(channel, publish, std::string(body) + std::to_string(i));
    wait_for_confirms(d, channel, first_tag + std::uint64_t(count) - 1);
}

void wait_for_confirms(amqp_driver& d, std::uint16_t channel, std::uint64_t tag)
{
    std::uint64_t confirmed = 0;
    while (confirmed < tag) {
        proto::command c = d.next(channel);
        const auto* ack = std::get_if<proto::basic_ack>(&c.method);
        if (!ack) throw driver_error("waiting for confirms up to " + std::to_string(tag) + ", got " + describe(c));
        confirmed = std::max(confirmed, ack->delivery_tag);
    }
}

std::string rabbit_truncated(std::string text)
{
    if (text.size() > 255) text = text.substr(0, 252) + "...";
    return text;
}

}  // namespace amqp::test
