// The client in a simulation (harness::world): one io_context on one thread, a virtual
// clock, and in-memory pipes instead of sockets (client::environment), served by a
// scripted broker or the embedded one. Minutes of heartbeats and connect timeouts pass
// in milliseconds, and a run repeats event for event.
#include "co_assert.hpp"

#include <amqp/client.hpp>
#include <amqp/harness/world.hpp>
#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/methods.hpp>
#include <amqp/runtime/memory_pipe.hpp>
#include <amqp/runtime/simulation.hpp>

#include <asio/error.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::test {
namespace {

using namespace std::chrono_literals;
using runtime::simulation_end;
constexpr auto as_tuple = asio::experimental::as_tuple(asio::use_awaitable);

using harness::world;

// A simulated world without the fake broker: its pipes go to what a test serves them
// with (world::pipes).
harness::world_options without_broker()
{
    harness::world_options options;
    options.broker.reset();
    return options;
}

std::string method_name(const protocol::method& m)
{
    return std::visit([](const auto& method) { return std::string(std::decay_t<decltype(method)>::name); }, m);
}

// A broker as small as the connection layer needs: it answers the protocol header with
// connection.start, start-ok with tune (proposing `heartbeat`), open with open-ok and
// close with close-ok; once open it sends a heartbeat every interval. A silent one
// stops reading and writing after open-ok, as a hung broker would.
class scripted_broker : public std::enable_shared_from_this<scripted_broker> {
public:
    struct behaviour {
        std::uint16_t heartbeat = 10;
        bool silent_after_open = false;
    };

    static std::shared_ptr<scripted_broker> serve(world& w, std::shared_ptr<runtime::pipe_end> end, behaviour b)
    {
        auto broker = std::shared_ptr<scripted_broker>(new scripted_broker(w, std::move(end), b));
        broker->read();
        return broker;
    }

    std::size_t heartbeats_received() const noexcept { return heartbeats_received_; }
    std::size_t heartbeats_sent() const noexcept { return heartbeats_sent_; }
    bool closed() const noexcept { return closed_; }

private:
    scripted_broker(world& w, std::shared_ptr<runtime::pipe_end> end, behaviour b)
        : world_(w), end_(std::move(end)), behaviour_(b), timer_(w.clock().make_timer(w.io().get_executor()))
    {
    }

    void read()
    {
        end_->async_read_some(asio::buffer(buffer_), [self = shared_from_this()](std::error_code ec, std::size_t n) {
            self->on_read(ec, n);
        });
    }

    void on_read(std::error_code ec, std::size_t n)
    {
        if (ec) {
            world_.say("broker: read ends (" + std::string(ec == asio::error::eof ? "eof" : ec.message()) + ")");
            end_->close();
            timer_->cancel();
            closed_ = true;
            return;
        }
        std::span<const std::byte> in(buffer_.data(), n);
        if (header_missing_ > 0) {
            const std::size_t take = std::min(header_missing_, in.size());
            header_missing_ -= take;
            in = in.subspan(take);
            if (header_missing_ == 0) {
                world_.say("broker: got the protocol header");
                protocol::connection_start start;
                start.mechanisms = "PLAIN";
                start.locales = "en_US";
                send(start);
            }
        }
        reader_.feed(in);
        for (;;) {
            auto decoded = reader_.next();
            if (decoded.error) {
                world_.say("broker: bad frame");
                end_->close();
                return;
            }
            if (!decoded.frame)
                break;
            on_frame(*decoded.frame);
            if (silent_ || closed_)
                return;
        }
        read();
    }

    void on_frame(const protocol::frame_view& frame)
    {
        if (frame.type == protocol::frame_type::heartbeat) {
            ++heartbeats_received_;
            world_.say("broker: got a heartbeat");
            return;
        }
        auto m = protocol::decode_method(frame.payload);
        if (!m) {
            world_.say("broker: bad method");
            return;
        }
        world_.say("broker: got " + method_name(*m));
        if (std::holds_alternative<protocol::connection_start_ok>(*m)) {
            protocol::connection_tune tune;
            tune.channel_max = 2047;
            tune.frame_max = 131072;
            tune.heartbeat = behaviour_.heartbeat;
            send(tune);
        } else if (std::holds_alternative<protocol::connection_open>(*m)) {
            send(protocol::connection_open_ok{});
            if (behaviour_.silent_after_open) {
                world_.say("broker: falls silent");
                silent_ = true;
                return;
            }
            schedule_heartbeat();
        } else if (std::holds_alternative<protocol::connection_close>(*m)) {
            send(protocol::connection_close_ok{});
            end_->close();
            timer_->cancel();
            closed_ = true;
        }
    }

    template <class Method>
    void send(const Method& m)
    {
        protocol::byte_buffer out;
        protocol::encode_frame(out, 0, m);
        write(std::move(out));
    }

    void write(protocol::byte_buffer out)
    {
        auto bytes = std::make_shared<protocol::byte_buffer>(std::move(out));
        end_->async_write(asio::buffer(bytes->data().data(), bytes->size()),
                          [bytes](std::error_code, std::size_t) {});
    }

    void schedule_heartbeat()
    {
        if (behaviour_.heartbeat == 0)
            return;
        timer_->wait_until(world_.clock().now() + std::chrono::seconds(behaviour_.heartbeat),
                           [weak = weak_from_this()](std::error_code ec) {
                               auto self = weak.lock();
                               if (ec || !self || self->closed_)
                                   return;
                               protocol::byte_buffer out;
                               protocol::encode_heartbeat(out);
                               self->write(std::move(out));
                               ++self->heartbeats_sent_;
                               self->world_.say("broker: sends a heartbeat");
                               self->schedule_heartbeat();
                           });
    }

    world& world_;
    std::shared_ptr<runtime::pipe_end> end_;
    behaviour behaviour_;
    std::unique_ptr<runtime::timer> timer_;
    std::array<std::byte, 4096> buffer_{};
    std::size_t header_missing_ = protocol::protocol_header.size();
    protocol::frame_reader reader_{protocol::frame_min_size};
    std::size_t heartbeats_received_ = 0;
    std::size_t heartbeats_sent_ = 0;
    bool silent_ = false;
    bool closed_ = false;
};

client::connection_options sim_options(std::string host = "broker")
{
    client::connection_options options;
    options.endpoints = {client::endpoint{std::move(host), 5672}};
    options.heartbeat = 10;
    return options;
}

// What a connect produced, filled in by its callback.
struct connect_result {
    bool done = false;
    std::error_code ec;
    client::connection connection;
    std::string text;  // close_info text of a failure, when the connection tells it
};

void start_connect(world& w, client::connection_options options, client::environment env, connect_result& out)
{
    client::connection::connect(w.io().get_executor(), std::move(options), std::move(env),
                                [&w, &out](std::error_code ec, client::connection c) {
                                    w.say(ec ? "client: connect failed: " + ec.message() : "client: connected");
                                    out.done = true;
                                    out.ec = ec;
                                    out.connection = std::move(c);
                                });
}

TEST(client_simulation, a_connection_with_heartbeats_stays_up_for_ten_virtual_minutes_in_no_real_time)
{
    world w(without_broker());
    std::shared_ptr<scripted_broker> broker;
    auto env = w.pipes([&](std::shared_ptr<runtime::pipe_end> end) { broker = scripted_broker::serve(w, end, {}); });
    connect_result connected;
    start_connect(w, sim_options(), env, connected);
    ASSERT_EQ(w.run_until([&] { return connected.done; }, 1s), simulation_end::done);
    ASSERT_FALSE(connected.ec) << connected.ec.message();
    EXPECT_EQ(connected.connection.tuning().heartbeat, 10);
    EXPECT_EQ(w.elapsed(), runtime::duration::zero()) << "the handshake takes no virtual time";

    bool closed_early = false;
    connected.connection.on_close([&](const client::close_info&) { closed_early = true; });
    const auto real_start = std::chrono::steady_clock::now();
    // Nothing ever makes the condition true: the run ends when the next timer lies past
    // ten minutes (heartbeats keep both sides' timers going forever).
    EXPECT_EQ(w.run_until([] { return false; }, 10min), simulation_end::time_limit);
    const auto real_time = std::chrono::steady_clock::now() - real_start;

    EXPECT_FALSE(closed_early);
    EXPECT_TRUE(connected.connection.is_open());
    EXPECT_GE(w.elapsed(), 10min - 10s);
    // The broker sends one every interval; the client when it was quiet for half of one.
    EXPECT_EQ(broker->heartbeats_sent(), 60u);
    EXPECT_GE(broker->heartbeats_received(), 60u);
    // Generous for a loaded machine; the point is "not ten real minutes".
    EXPECT_LT(real_time, 30s);

    bool closed = false;
    std::error_code close_error;
    connected.connection.close([&](std::error_code ec) {
        closed = true;
        close_error = ec;
    });
    ASSERT_EQ(w.run_until([&] { return closed && broker->closed(); }, 1s), simulation_end::done);
    EXPECT_FALSE(close_error) << close_error.message();
}

TEST(client_simulation, with_a_one_second_heartbeat_the_client_sends_one_after_each_half_second_of_its_own_silence)
{
    world w(without_broker());
    scripted_broker::behaviour one_second;
    one_second.heartbeat = 1;
    std::shared_ptr<scripted_broker> broker;
    auto env =
        w.pipes([&](std::shared_ptr<runtime::pipe_end> end) { broker = scripted_broker::serve(w, end, one_second); });
    auto options = sim_options();
    options.heartbeat.reset();  // the broker's 1 s
    connect_result connected;
    start_connect(w, options, env, connected);
    ASSERT_EQ(w.run_until([&] { return connected.done; }, 1s), simulation_end::done);
    ASSERT_FALSE(connected.ec) << connected.ec.message();
    ASSERT_EQ(connected.connection.tuning().heartbeat, 1);

    // Quiet for ten seconds: a heartbeat every half second, 500 ms and not zero. (The
    // phase ends between two ticks, when the last heartbeat has arrived.)
    ASSERT_EQ(w.run_until([&] { return w.elapsed() >= 10250ms; }, 1min), simulation_end::done);
    const std::size_t while_quiet = broker->heartbeats_received();
    EXPECT_GE(while_quiet, 19u);
    EXPECT_LE(while_quiet, 21u);

    // Busy for ten seconds: a channel.open every 300 ms leaves no half second of
    // silence, so no heartbeat is due (a client that sent one on every tick would
    // send twenty more).
    auto timer = w.clock().make_timer(w.io().get_executor());
    std::function<void()> open_next = [&] {
        connected.connection.channel({}, [](std::error_code, client::channel) {});
        timer->wait_until(w.clock().now() + 300ms, [&](std::error_code ec) {
            if (!ec && w.elapsed() < 20s)
                open_next();
        });
    };
    open_next();
    ASSERT_EQ(w.run_until([&] { return w.elapsed() >= 20250ms; }, 1min), simulation_end::done);
    EXPECT_EQ(broker->heartbeats_received(), while_quiet);
    EXPECT_TRUE(connected.connection.is_open());
    timer->cancel();
}

TEST(client_simulation, a_silent_broker_is_detected_after_two_heartbeat_intervals_of_virtual_time)
{
    world w(without_broker());
    scripted_broker::behaviour silent;
    silent.silent_after_open = true;
    std::shared_ptr<scripted_broker> broker;
    auto env =
        w.pipes([&](std::shared_ptr<runtime::pipe_end> end) { broker = scripted_broker::serve(w, end, silent); });
    connect_result connected;
    start_connect(w, sim_options(), env, connected);
    ASSERT_EQ(w.run_until([&] { return connected.done; }, 1s), simulation_end::done);
    ASSERT_FALSE(connected.ec) << connected.ec.message();

    std::optional<client::close_info> closed;
    std::optional<runtime::duration> closed_at;
    connected.connection.on_close([&](const client::close_info& info) {
        closed = info;
        closed_at = w.elapsed();
        w.say("client: closed: " + info.reply_text);
    });
    // channel.open gets no answer: the heartbeat timeout must fail it.
    bool channel_done = false;
    std::error_code channel_error;
    connected.connection.channel({}, [&](std::error_code ec, client::channel) {
        channel_done = true;
        channel_error = ec;
    });
    ASSERT_EQ(w.run_until([&] { return channel_done; }, 1min), simulation_end::done);
    EXPECT_EQ(channel_error, client::errc::heartbeat_timeout);
    ASSERT_TRUE(closed.has_value());
    EXPECT_THAT(closed->reply_text, ::testing::HasSubstr("no heartbeat"));
    // The client checks every half interval; the broker was last heard at open-ok (t=0).
    ASSERT_TRUE(closed_at.has_value());
    EXPECT_EQ(*closed_at, 20s);
    EXPECT_EQ(connected.connection.close_reason().reply_code, 0);
}

TEST(client_simulation, a_transport_that_never_opens_times_out_after_connection_timeout_on_every_endpoint_and_round)
{
    world w(without_broker());
    std::vector<runtime::duration> opened_at;
    client::environment env;
    env.clock = &w.clock();
    // Never completes: only the connect timeout ends each attempt.
    std::vector<client::environment::transport_handler> never;
    env.open_transport = [&](const client::endpoint& where, const asio::any_io_executor&,
                             client::environment::transport_handler done) {
        opened_at.push_back(w.elapsed());
        w.say("client: tries " + where.host);
        never.push_back(std::move(done));
    };
    auto options = sim_options();
    options.endpoints = {client::endpoint{"a", 5672}, client::endpoint{"b", 5672}};
    options.connection_timeout = 3s;
    options.connection_attempts = 3;
    options.retry_delay = 2s;

    connect_result result;
    start_connect(w, options, env, result);
    ASSERT_EQ(w.run_until([&] { return result.done; }, 1h), simulation_end::done);
    EXPECT_EQ(result.ec, client::errc::connection_timeout);
    // Two endpoints per round, 3 s each; 2 s between rounds.
    const std::vector<runtime::duration> expected{0s, 3s, 8s, 11s, 16s, 19s};
    EXPECT_EQ(opened_at, expected);
    EXPECT_EQ(w.elapsed(), 22s);
}

TEST(client_simulation, a_broker_that_never_answers_the_header_times_out_the_handshake_in_virtual_time)
{
    world w(without_broker());
    auto env = w.pipes({});  // nobody serves the broker's end
    auto options = sim_options();
    options.connection_timeout = 7s;
    connect_result result;
    client::connection::connect(w.io().get_executor(), options, env,
                                [&](std::error_code ec, client::connection c) {
                                    result.done = true;
                                    result.ec = ec;
                                    result.connection = std::move(c);
                                });
    ASSERT_EQ(w.run_until([&] { return result.done; }, 1h), simulation_end::done);
    EXPECT_EQ(result.ec, client::errc::connection_timeout);
    EXPECT_EQ(w.elapsed(), 7s);
}

TEST(client_simulation, a_transport_that_opens_after_the_timeout_is_closed_and_the_next_round_connects)
{
    world w(without_broker());
    std::shared_ptr<scripted_broker> broker;
    std::shared_ptr<runtime::pipe_end> late_broker_end;
    std::vector<std::unique_ptr<runtime::timer>> timers;
    int attempts = 0;
    client::environment env;
    env.clock = &w.clock();
    env.open_transport = [&](const client::endpoint&, const asio::any_io_executor& executor,
                             client::environment::transport_handler done) {
        auto pipe = runtime::make_memory_pipe(executor);
        if (++attempts == 1) {
            // The first pipe only comes after 5 s, past the 3 s timeout.
            late_broker_end = pipe.second;
            auto& timer = timers.emplace_back(w.clock().make_timer(executor));
            timer->wait_until(w.clock().now() + 5s,
                              [done = std::move(done), client_end = pipe.first](std::error_code) mutable {
                                  done({}, client::make_memory_transport(client_end, "late"));
                              });
            return;
        }
        broker = scripted_broker::serve(w, pipe.second, {});
        done({}, client::make_memory_transport(pipe.first, "broker"));
    };
    auto options = sim_options();
    options.connection_timeout = 3s;
    options.connection_attempts = 2;
    options.retry_delay = 10s;

    connect_result result;
    start_connect(w, options, env, result);
    ASSERT_EQ(w.run_until([&] { return result.done; }, 1h), simulation_end::done);
    ASSERT_FALSE(result.ec) << result.ec.message();
    EXPECT_EQ(attempts, 2);
    EXPECT_EQ(w.elapsed(), 13s);
    // The late transport was closed when it arrived: its broker end reads end of file.
    ASSERT_TRUE(late_broker_end);
    std::array<std::byte, 16> buffer{};
    std::optional<std::error_code> read_error;
    late_broker_end->async_read_some(asio::buffer(buffer),
                                     [&](std::error_code ec, std::size_t) { read_error = ec; });
    ASSERT_EQ(w.run_until([&] { return read_error.has_value(); }, 1s), simulation_end::done);
    EXPECT_EQ(*read_error, asio::error::eof);

    bool closed = false;
    result.connection.close([&](std::error_code) { closed = true; });
    ASSERT_EQ(w.run_until([&] { return closed; }, 1s), simulation_end::done);
}

// One scripted run: connect over a pipe that splits reads at seeded boundaries, idle
// for a virtual minute with heartbeats, close. The trace is what happened when.
std::vector<std::string> heartbeat_run(unsigned seed)
{
    world w(without_broker());
    std::mt19937 random(seed);
    runtime::read_limit split = [&random](std::size_t waiting) {
        return std::uniform_int_distribution<std::size_t>(1, waiting)(random);
    };
    std::shared_ptr<scripted_broker> broker;
    auto env = w.pipes([&](std::shared_ptr<runtime::pipe_end> end) { broker = scripted_broker::serve(w, end, {}); },
                       split);
    connect_result connected;
    start_connect(w, sim_options(), env, connected);
    EXPECT_EQ(w.run_until([&] { return connected.done; }, 1s), simulation_end::done);
    if (connected.ec)
        return w.log().lines();
    EXPECT_EQ(w.run_until([] { return false; }, 1min), simulation_end::time_limit);
    bool closed = false;
    connected.connection.close([&](std::error_code ec) {
        closed = true;
        w.say("client: closed " + std::string(ec ? ec.message() : "cleanly"));
    });
    EXPECT_EQ(w.run_until([&] { return closed && broker->closed(); }, 1s), simulation_end::done);
    return w.log().lines();
}

TEST(client_simulation, the_same_run_twice_gives_the_same_trace)
{
    const auto first = heartbeat_run(7);
    const auto second = heartbeat_run(7);
    EXPECT_EQ(first, second);
    EXPECT_THAT(first, ::testing::Contains(" 0.000s  client: connected"));
    EXPECT_THAT(first, ::testing::Contains("10.000s  broker: sends a heartbeat"));
    EXPECT_THAT(first, ::testing::Contains(" 5.000s  broker: got a heartbeat"));
    EXPECT_THAT(first, ::testing::Contains(::testing::HasSubstr("broker: got connection.close")));
    EXPECT_GT(first.size(), 20u);
}

// `line` with the random part of amq.ctag-... and amq.gen-... names replaced by '*'.
// (Written out: std::regex trips a false -Wmaybe-uninitialized in GCC 12 under ASan.)
std::string without_generated_names(std::string_view line)
{
    std::string out;
    std::size_t at = 0;
    while (at < line.size()) {
        std::size_t prefix = 0;
        for (std::string_view p : {std::string_view("amq.ctag-"), std::string_view("amq.gen-")}) {
            if (line.substr(at, p.size()) == p)
                prefix = p.size();
        }
        if (prefix == 0) {
            out += line[at++];
            continue;
        }
        out.append(line.substr(at, prefix));
        at += prefix;
        const auto random = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
        if (at < line.size() && random(line[at])) {
            out += '*';
            while (at < line.size() && random(line[at]))
                ++at;
        }
    }
    return out;
}

// A simulated world with the embedded broker; with `trace`, the broker's frames in the
// log.
harness::world_options with_broker(bool trace = false)
{
    harness::world_options options;
    if (trace) {
        options.trace = [](world& w, std::string_view line) {
            // Server-generated names (amq.ctag-..., amq.gen-...) are random: the broker
            // seeds them from std::random_device, with no option to fix the seed.
            w.say("broker: " + without_generated_names(line));
        };
    }
    return options;
}

// Declare, publish with confirms, consume; then wait on virtual time for what never
// comes (queue_iterator::next, an rpc call); close. Logs each step.
asio::awaitable<void> messaging_scenario(world& w)
{
    auto& broker = w.broker();
    auto conn = co_await client::connect(w.io().get_executor(), sim_options(), w.environment());
    w.say("client: connected");
    EXPECT_EQ(conn.tuning().heartbeat, 10);
    client::channel_options confirms;
    confirms.publisher_confirms = true;
    auto ch = co_await conn.channel(confirms);
    auto queue = co_await ch.declare_queue("sim.work");
    w.say("client: declared " + queue.name());
    for (int i = 0; i < 3; ++i) {
        const client::message m("job " + std::to_string(i));
        co_await ch.basic_publish("", queue.name(), m);
        w.say("client: job " + std::to_string(i) + " confirmed");
    }
    const auto declared = broker.queue("sim.work");
    CO_ASSERT_TRUE(declared.has_value());
    EXPECT_EQ(declared->ready, 3u);

    auto jobs = queue.iterator();
    std::vector<std::string> bodies;
    for (int i = 0; i < 3; ++i) {
        auto m = co_await jobs.next();
        CO_ASSERT_TRUE(m.has_value());
        bodies.push_back(m->body);
        EXPECT_FALSE(m->ack());
        w.say("client: consumed " + m->body);
    }
    EXPECT_EQ(bodies, (std::vector<std::string>{"job 0", "job 1", "job 2"}));

    // Nothing more comes: next() gives up after its timeout of virtual time, while
    // heartbeats keep the connection up.
    auto waited_from = w.elapsed();
    auto [next_error, none] = co_await jobs.next(30s, as_tuple);
    EXPECT_EQ(next_error, client::errc::timeout);
    EXPECT_FALSE(none.has_value());
    EXPECT_EQ(w.elapsed() - waited_from, 30s);
    w.say("client: next() timed out");

    client::rpc_options rpc_options;
    rpc_options.timeout = 45s;
    auto rpc = co_await client::rpc_client::create(ch, rpc_options);
    const client::message request("anyone?");
    waited_from = w.elapsed();
    auto [call_error, reply] = co_await rpc.call("sim.nobody-serves", request, as_tuple);
    (void)reply;
    EXPECT_EQ(call_error, client::errc::timeout);
    EXPECT_EQ(w.elapsed() - waited_from, 45s);
    w.say("client: rpc call timed out");

    co_await jobs.close();
    EXPECT_TRUE(conn.is_open());
    co_await conn.close();
    w.say("client: closed");
}

TEST(client_simulation, declares_publishes_with_confirms_and_consumes_against_the_embedded_broker)
{
    world w(with_broker());
    ASSERT_TRUE(w.run(messaging_scenario, 10min)) << w.log().text();
    const auto queue = w.broker().queue("sim.work");
    ASSERT_TRUE(queue.has_value());
    EXPECT_EQ(queue->ready, 0u);
    EXPECT_EQ(queue->unacked, 0u);
    EXPECT_EQ(w.elapsed(), 75s);
}

TEST(client_simulation, an_idle_connection_to_the_embedded_broker_stays_up_on_both_sides_heartbeats)
{
    world w(with_broker());
    connect_result connected;
    start_connect(w, sim_options(), w.environment(), connected);
    ASSERT_EQ(w.run_until([&] { return connected.done; }, 1s), simulation_end::done);
    ASSERT_FALSE(connected.ec) << connected.ec.message();
    bool closed_early = false;
    connected.connection.on_close([&](const client::close_info&) { closed_early = true; });
    EXPECT_EQ(w.run_until([] { return false; }, 10min), simulation_end::time_limit);
    // Each side gives up after two silent intervals: both are still there, so both sent.
    EXPECT_FALSE(closed_early);
    EXPECT_TRUE(connected.connection.is_open());
    EXPECT_EQ(w.broker().connections().size(), 1u);
    bool closed = false;
    connected.connection.close([&](std::error_code) { closed = true; });
    ASSERT_EQ(w.run_until([&] { return closed; }, 1s), simulation_end::done);
}

// The messaging scenario with the broker's frame trace interleaved with the client's
// steps, every line stamped with virtual time.
std::vector<std::string> traced_messaging_run()
{
    world w(with_broker(true));
    EXPECT_TRUE(w.run(messaging_scenario, 10min)) << w.log().text();
    return w.log().lines();
}

TEST(client_simulation, the_same_run_against_the_embedded_broker_twice_gives_the_same_trace)
{
    const auto first = traced_messaging_run();
    const auto second = traced_messaging_run();
    EXPECT_EQ(first, second);
    EXPECT_THAT(first, ::testing::Contains("30.000s  client: next() timed out"));
    EXPECT_THAT(first, ::testing::Contains("75.000s  client: rpc call timed out"));
    EXPECT_GT(first.size(), 40u);
}

}  // namespace
}  // namespace amqp::test
