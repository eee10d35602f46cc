#include "allowlist.hpp"
#include "conformance_printer.hpp"
#include "differential.hpp"
#include "generator.hpp"
#include "runner.hpp"
#include "shrinker.hpp"
#include "transcript.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace amqp::differential {
namespace {

namespace proto = amqp::protocol;

std::string text_of(const conversation& c)
{
    std::ostringstream os;
    os << c;
    return os.str();
}

event command_event(std::size_t step, proto::method m, int incarnation = 0)
{
    event e;
    e.step = step;
    e.command.method = std::move(m);
    e.incarnation = incarnation;
    return e;
}

event socket_closed_event(std::size_t step, int incarnation = 0)
{
    event e;
    e.what = event::kind::socket_closed;
    e.step = step;
    e.incarnation = incarnation;
    return e;
}

// The handshake's three methods, as the runner records them for a connect.
void handshake(connection_record& r, std::size_t step, int incarnation)
{
    r.channels[0].push_back(command_event(step, proto::connection_start{}, incarnation));
    r.channels[0].push_back(command_event(step, proto::connection_tune{}, incarnation));
    r.channels[0].push_back(command_event(step, proto::connection_open_ok{}, incarnation));
}

std::string describe_all(const std::vector<divergence>& found)
{
    std::string all;
    for (const divergence& d : found) all += d.describe() + "\n";
    return all.empty() ? "none" : all;
}

TEST(differential_generator, same_seed_same_conversation)
{
    for (std::uint64_t seed : {1ull, 7ull, 123456789ull}) {
        EXPECT_EQ(text_of(generate(seed)), text_of(generate(seed))) << "seed " << seed;
    }
}

TEST(differential_generator, different_seeds_different_conversations)
{
    EXPECT_NE(text_of(generate(1)), text_of(generate(2)));
    EXPECT_NE(text_of(generate(2)), text_of(generate(3)));
}

TEST(differential_generator, starts_with_a_connection_and_stays_in_bounds)
{
    generator_options options;
    options.min_steps = 5;
    options.max_steps = 12;
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
        const conversation c = generate(seed, options);
        ASSERT_FALSE(c.steps.empty());
        EXPECT_EQ(c.steps.front().what, step::kind::connect) << "seed " << seed;
        EXPECT_GE(c.steps.size(), 5u) << "seed " << seed;
        EXPECT_LE(c.steps.size(), 13u) << "seed " << seed;  // a last step may add a frame pair
    }
}

TEST(differential_draw, is_fixed_for_a_seed)
{
    // mt19937_64's sequence is fixed by the standard: its 10000th output is 9981545732273789042.
    draw d(5489);
    std::vector<std::uint64_t> first;
    for (int i = 0; i < 5; ++i) first.push_back(d.below(1000));
    draw again(5489);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(again.below(1000), first[std::size_t(i)]);
}

TEST(differential_normalise, maps_generated_names_in_order_of_appearance)
{
    transcript t;
    t.connections[0].channels[1].push_back(command_event(1, proto::queue_declare_ok{"amq.gen-AAAA", 0, 0}));
    t.connections[0].channels[1].push_back(command_event(2, proto::basic_consume_ok{"amq.ctag-zz"}));
    t.connections[0].channels[2].push_back(command_event(3, proto::queue_declare_ok{"amq.gen-BBBB", 0, 0}));
    t.connections[0].channels[1].push_back(command_event(4, proto::queue_declare_ok{"amq.gen-AAAA", 0, 0}));
    t.connections[1].channels[1].push_back(
        command_event(5, proto::channel_close{404, "NOT_FOUND - no queue 'dt.1.abcd.q1' in vhost '/'", 50, 10}));
    const normalised_transcript n = normalise(t, "dt.1.abcd.");
    const auto& ch1 = n.at({0, 1, 0});
    ASSERT_EQ(ch1.size(), 3u);
    EXPECT_NE(ch1[0].text.find("amq.gen-#1"), std::string::npos) << ch1[0].text;
    EXPECT_NE(ch1[1].text.find("amq.ctag-#1"), std::string::npos) << ch1[1].text;
    EXPECT_NE(ch1[2].text.find("amq.gen-#1"), std::string::npos) << ch1[2].text;
    EXPECT_NE(n.at({0, 2, 0})[0].text.find("amq.gen-#2"), std::string::npos) << n.at({0, 2, 0})[0].text;
    EXPECT_NE(n.at({1, 1, 0})[0].text.find("no queue '@q1'"), std::string::npos) << n.at({1, 1, 0})[0].text;
}

TEST(differential_compare, reports_a_real_difference)
{
    transcript a;
    transcript b;
    a.connections[0].channels[1].push_back(command_event(1, proto::queue_declare_ok{"dt.1.abcd.q1", 0, 0}));
    b.connections[0].channels[1].push_back(command_event(1, proto::channel_close{404, "NOT_FOUND", 50, 10}));
    const auto d = compare(normalise(a, "dt.1.abcd."), normalise(b, "dt.1.abcd."));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].where, (stream_key{0, 1, 0}));
    EXPECT_TRUE(d[0].allowed.empty());
    EXPECT_EQ(d[0].signature(), "connection 0 channel 1: queue.declare-ok / channel.close 404");
}

TEST(differential_compare, reports_a_missing_event)
{
    transcript a;
    transcript b;
    a.connections[0].channels[1].push_back(command_event(1, proto::basic_qos_ok{}));
    a.connections[0].channels[1].push_back(command_event(2, proto::basic_qos_ok{}));
    b.connections[0].channels[1].push_back(command_event(1, proto::basic_qos_ok{}));
    const auto d = compare(normalise(a, "p."), normalise(b, "p."));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].index, 1u);
    EXPECT_FALSE(d[0].second.has_value());
}

TEST(differential_compare, ignores_what_normalisation_replaces)
{
    transcript a;
    transcript b;
    proto::connection_start start_a;
    start_a.server_properties.set("product", std::string("RabbitMQ"));
    proto::connection_start start_b;
    start_b.server_properties.set("product", std::string("fakebroker"));
    a.connections[0].channels[0].push_back(command_event(0, start_a));
    b.connections[0].channels[0].push_back(command_event(0, start_b));
    a.connections[0].channels[1].push_back(command_event(1, proto::queue_declare_ok{"amq.gen-xyz", 0, 0}));
    b.connections[0].channels[1].push_back(command_event(1, proto::queue_declare_ok{"amq.gen-0123456789", 0, 0}));
    a.connections[0].channels[1].push_back(command_event(2, proto::queue_declare_ok{"run-a.q1", 0, 0}));
    b.connections[0].channels[1].push_back(command_event(2, proto::queue_declare_ok{"run-a.q1", 0, 0}));
    EXPECT_TRUE(compare(normalise(a, "run-a."), normalise(b, "run-a.")).empty());
}

TEST(differential_shrinker, reduces_to_the_step_that_diverges)
{
    conversation c = generate(42);
    ASSERT_GT(c.steps.size(), 5u);
    // The "divergence" appears whenever a basic.qos with prefetch 7 is sent.
    step culprit;
    culprit.connection = 1;
    culprit.frames.push_back({1, proto::basic_qos{0, 7, false}, {}, {}, {}});
    c.steps.insert(c.steps.begin() + long(c.steps.size() / 2), culprit);
    int runs = 0;
    const auto oracle = [&runs](const conversation& candidate) {
        ++runs;
        for (const step& s : candidate.steps) {
            for (const outgoing& o : s.frames) {
                if (const auto* q = std::get_if<proto::basic_qos>(&o.method); q && q->prefetch_count == 7) return true;
            }
        }
        return false;
    };
    const conversation shrunk = shrink(c, oracle);
    ASSERT_EQ(shrunk.steps.size(), 1u) << shrunk;
    EXPECT_EQ(describe(shrunk.steps[0]), describe(culprit));
    EXPECT_LT(runs, 400);
}

TEST(differential_shrinker, drops_arguments_that_do_not_matter)
{
    conversation c;
    step s;
    proto::queue_declare d;
    d.queue = "@q1";
    d.arguments.set("x-max-length", std::int32_t(1));
    d.arguments.set("x-max-priority", std::int32_t(300));
    d.arguments.set("x-expires", std::int32_t(600000));
    s.frames.push_back({1, d, {}, {}, {}});
    c.steps.push_back(s);
    const auto oracle = [](const conversation& candidate) {
        for (const step& st : candidate.steps) {
            for (const outgoing& o : st.frames) {
                if (const auto* q = std::get_if<proto::queue_declare>(&o.method); q && q->arguments.contains("x-max-priority")) return true;
            }
        }
        return false;
    };
    const conversation shrunk = shrink(c, oracle);
    ASSERT_EQ(shrunk.steps.size(), 1u);
    const auto& q = std::get<proto::queue_declare>(shrunk.steps[0].frames[0].method);
    EXPECT_EQ(q.arguments.size(), 1u);
    EXPECT_TRUE(q.arguments.contains("x-max-priority"));
}

divergence login_divergence(std::string fake_text, std::string rabbit_text)
{
    divergence d;
    d.where = {0, 0};
    normalised_event a;
    a.original = command_event(0, proto::connection_close{403, std::move(fake_text), 10, 11});
    normalised_event b;
    b.original = command_event(0, proto::connection_close{403, std::move(rabbit_text), 10, 11});
    d.first = a;
    d.second = b;
    return d;
}

TEST(differential_allowlist, refused_login_text_with_the_reason_appended)
{
    const std::string rabbit =
        "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.";
    const allowlist_entry* e = explain(login_divergence(rabbit + " (wrong password for user 'guest')", rabbit));
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->name, "Refused logins");
    EXPECT_TRUE(e->deliberate);
}

TEST(differential_allowlist, not_a_refused_login_with_another_text)
{
    const std::string rabbit =
        "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.";
    EXPECT_EQ(explain(login_divergence("ACCESS_REFUSED - something else (x)", rabbit)), nullptr);
    EXPECT_EQ(explain(login_divergence(rabbit + " and more", rabbit)), nullptr);
}

TEST(differential_allowlist, unknown_method_close_against_a_silent_socket_close)
{
    divergence d;
    d.where = {0, 0};
    normalised_event fake;
    fake.original = command_event(3, proto::connection_close{540, "NOT_IMPLEMENTED - unknown method 60.99", 60, 99});
    normalised_event rabbit;
    rabbit.original.what = event::kind::socket_closed;
    d.first = fake;
    d.second = rabbit;
    const allowlist_entry* e = explain(d);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->name, "Unknown class or method id");
    // The same close against RabbitMQ sending another close is not explained.
    normalised_event other;
    other.original = command_event(3, proto::connection_close{505, "UNEXPECTED_FRAME", 0, 0});
    d.second = other;
    EXPECT_EQ(explain(d), nullptr);
}

TEST(differential_printer, literals_escape_every_byte)
{
    EXPECT_EQ(cpp_literal("a\"b"), "\"a\\\"b\"");
    EXPECT_EQ(cpp_literal(std::string("\x01" "a", 2)), "\"\\x01\" \"a\"");
    EXPECT_EQ(cpp_literal(std::string("\x01z", 2)), "\"\\x01z\"");
}

TEST(differential_self_check, two_embedded_brokers_agree)
{
    run_options options;
    const target_factory second = [] { return make_embedded_target(); };
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        const seed_result r = check(generate(seed), second, options);
        std::string all;
        for (const divergence& d : r.divergences) all += d.describe() + "\n";
        EXPECT_TRUE(r.divergences.empty()) << "seed " << seed << ":\n" << all;
        EXPECT_GT(r.run.first.connections[0].size(), 0u) << "seed " << seed << ": nothing recorded";
    }
}

TEST(differential_self_check, a_conformance_test_is_printed)
{
    const target_factory second = [] { return make_embedded_target(); };
    const seed_result r = check(generate(3), second, run_options{});
    const std::string test = conformance_test(r.run, "differential_seed_3");
    EXPECT_NE(test.find("TEST_F(conformance, differential_seed_3)"), std::string::npos) << test;
    EXPECT_NE(test.find("c0.connect();"), std::string::npos) << test;
}

TEST(differential_lags, a_delivery_before_a_reply_is_no_parting)
{
    // The embedded broker sent consume-ok, then the delivery, then the next reply;
    // RabbitMQ so far the delivery, then consume-ok. Its next reply is still to come
    // and must be waited for.
    connection_record fake;
    connection_record rabbit;
    fake.connects = rabbit.connects = 1;
    proto::basic_deliver deliver{"c1", 1, false, "", "q"};
    fake.channels[1] = {command_event(1, proto::basic_consume_ok{"c1"}, 1), command_event(1, deliver, 1),
                        command_event(2, proto::exchange_declare_ok{}, 1)};
    rabbit.channels[1] = {command_event(1, deliver, 1), command_event(1, proto::basic_consume_ok{"c1"}, 1)};
    const auto found = lags(fake, rabbit);
    ASSERT_EQ(found.size(), 1u) << "expected one stream behind, the replies of channel 1";
    EXPECT_EQ(found[0].channel, 1);
    EXPECT_EQ(found[0].lane, 0);
    EXPECT_EQ(found[0].have, 1u);
    EXPECT_EQ(found[0].wanted, 2u);
}

TEST(differential_compare, a_confirm_and_a_delivery_in_either_order)
{
    transcript a;
    transcript b;
    proto::basic_deliver deliver{"c1", 1, false, "", "q"};
    a.connections[0].channels[1] = {command_event(1, deliver), command_event(1, proto::basic_ack{1, false})};
    b.connections[0].channels[1] = {command_event(1, proto::basic_ack{1, false}), command_event(1, deliver)};
    const auto found = compare(normalise(a, "p."), normalise(b, "p."));
    EXPECT_TRUE(found.empty()) << describe_all(found);
    b.connections[0].channels[1] = {command_event(1, proto::basic_ack{1, true}), command_event(1, deliver)};
    const auto other = compare(normalise(a, "p."), normalise(b, "p."));
    ASSERT_EQ(other.size(), 1u) << "a confirm of another kind is a divergence";
    EXPECT_EQ(other[0].where.lane, 2);
}

TEST(differential_lags, an_earlier_connect_is_not_compared)
{
    // The first connect ended differently (connection.close 540 and the socket's end,
    // against the socket's end alone); the second has its handshake still to come on
    // RabbitMQ.
    connection_record fake;
    connection_record rabbit;
    handshake(fake, 0, 1);
    fake.channels[0].push_back(command_event(5, proto::connection_close{540, "NOT_IMPLEMENTED - unknown method 60.99", 60, 99}, 1));
    fake.channels[0].push_back(socket_closed_event(5, 1));
    handshake(fake, 6, 2);
    handshake(rabbit, 0, 1);
    rabbit.channels[0].push_back(socket_closed_event(5, 1));
    rabbit.channels[0].push_back(command_event(6, proto::connection_start{}, 2));
    fake.connects = rabbit.connects = 2;
    const auto found = lags(fake, rabbit);
    ASSERT_EQ(found.size(), 1u) << "expected the new connection's handshake to be waited for";
    EXPECT_EQ(found[0].channel, 0);
    EXPECT_EQ(found[0].have, 1u);
    EXPECT_EQ(found[0].wanted, 3u);
}

TEST(differential_lags, streams_that_parted_are_not_waited_for)
{
    connection_record fake;
    connection_record rabbit;
    fake.connects = rabbit.connects = 1;
    fake.channels[1] = {command_event(1, proto::queue_declare_ok{"q", 0, 0}, 1), command_event(2, proto::basic_qos_ok{}, 1)};
    rabbit.channels[1] = {command_event(1, proto::channel_close{404, "NOT_FOUND", 50, 10}, 1)};
    EXPECT_TRUE(lags(fake, rabbit).empty());
}

TEST(differential_compare, each_connect_is_compared_apart)
{
    // After the allowed difference on the first connect, the second compares equal.
    transcript a;
    transcript b;
    handshake(a.connections[0], 0, 1);
    a.connections[0].channels[0].push_back(command_event(5, proto::connection_close{540, "NOT_IMPLEMENTED - unknown method 60.99", 60, 99}, 1));
    a.connections[0].channels[0].push_back(socket_closed_event(5, 1));
    handshake(a.connections[0], 6, 2);
    a.connections[0].channels[1].push_back(command_event(7, proto::channel_open_ok{}, 2));
    handshake(b.connections[0], 0, 1);
    b.connections[0].channels[0].push_back(socket_closed_event(5, 1));
    handshake(b.connections[0], 6, 2);
    b.connections[0].channels[1].push_back(command_event(7, proto::channel_open_ok{}, 2));
    const auto found = compare(normalise(a, "p."), normalise(b, "p."));
    ASSERT_EQ(found.size(), 1u) << describe_all(found);
    EXPECT_EQ(found[0].allowed, "Unknown class or method id");
    EXPECT_TRUE(found[0].ends_connection);
    EXPECT_EQ(found[0].where.incarnation, 1);
}

TEST(differential_compare, a_quorum_consumer_count_is_lazy_right_after_a_channel_ends)
{
    conversation c;
    step declare;
    proto::queue_declare d;
    d.queue = "@q1";
    d.durable = true;
    d.arguments.set("x-queue-type", std::string("quorum"));
    declare.frames.push_back({2, d, {}, {}, {}});
    c.steps.assign(6, declare);
    const auto run = [&](std::uint32_t fake_count, std::uint32_t rabbit_count, std::size_t close_step) {
        transcript a;
        transcript b;
        a.connections[0].channels[1].push_back(command_event(close_step, proto::channel_close_ok{}));
        b.connections[0].channels[1].push_back(command_event(close_step, proto::channel_close_ok{}));
        a.connections[0].channels[2].push_back(command_event(5, proto::queue_declare_ok{"p.q1", 0, fake_count}));
        b.connections[0].channels[2].push_back(command_event(5, proto::queue_declare_ok{"p.q1", 0, rabbit_count}));
        const comparison_context context = context_of(c, a, b);
        return compare(normalise(a, "p.", context), normalise(b, "p.", context));
    };
    EXPECT_TRUE(run(0, 1, 4).empty()) << "RabbitMQ still counting the consumer of a channel closed in the step before";
    EXPECT_TRUE(run(0, 1, 2).empty()) << "RabbitMQ still counting the consumer of a channel closed three steps before";
    EXPECT_TRUE(run(0, 1, 5).empty()) << "RabbitMQ still counting the consumer of a channel closed in the same step";
    const auto fewer = run(1, 0, 4);
    ASSERT_EQ(fewer.size(), 1u) << "RabbitMQ counting fewer consumers is a divergence";
    EXPECT_TRUE(fewer[0].allowed.empty()) << fewer[0].describe();
    const auto later = run(0, 1, 1);
    ASSERT_EQ(later.size(), 1u) << "four steps after the close the count is compared: " << describe_all(later);
    EXPECT_TRUE(later[0].allowed.empty()) << later[0].describe();
}

TEST(differential_compare, a_quorum_queue_delete_ok_message_count_is_not_compared)
{
    conversation c;
    step declare;
    proto::queue_declare d;
    d.queue = "@q1";
    d.durable = true;
    d.arguments.set("x-queue-type", std::string("quorum"));
    declare.frames.push_back({1, d, {}, {}, {}});
    step remove;
    remove.frames.push_back({1, proto::queue_delete{0, "@q1", false, false, false}, {}, {}, {}});
    step remove_classic;
    remove_classic.frames.push_back({1, proto::queue_delete{0, "@q2", false, false, false}, {}, {}, {}});
    c.steps = {declare, remove, remove_classic};
    transcript a;
    transcript b;
    a.connections[0].channels[1] = {command_event(1, proto::queue_delete_ok{1}), command_event(2, proto::queue_delete_ok{1})};
    b.connections[0].channels[1] = {command_event(1, proto::queue_delete_ok{0}), command_event(2, proto::queue_delete_ok{0})};
    const comparison_context context = context_of(c, a, b);
    const auto found = compare(normalise(a, "p.", context), normalise(b, "p.", context));
    ASSERT_EQ(found.size(), 1u) << describe_all(found);
    EXPECT_EQ(found[0].index, 1u) << "only the classic queue's count is compared: " << found[0].describe();
}

TEST(differential_compare, a_consumer_count_is_lazy_right_after_a_disconnect)
{
    conversation c;
    step declare;
    declare.frames.push_back({1, proto::queue_declare{0, "@q1", true, false, false, false, false, {}}, {}, {}, {}});
    step disconnect;
    disconnect.what = step::kind::disconnect;
    disconnect.connection = 1;
    c.steps = {declare, disconnect, declare, declare, declare, declare};
    const auto run = [&](std::size_t at) {
        transcript a;
        transcript b;
        a.connections[0].channels[1].push_back(command_event(at, proto::queue_declare_ok{"p.q1", 0, 0}));
        b.connections[0].channels[1].push_back(command_event(at, proto::queue_declare_ok{"p.q1", 0, 1}));
        const comparison_context context = context_of(c, a, b);
        return compare(normalise(a, "p.", context), normalise(b, "p.", context));
    };
    EXPECT_TRUE(run(2).empty()) << "RabbitMQ still counting the consumer of a connection the client dropped";
    EXPECT_TRUE(run(4).empty()) << "three steps after the disconnect";
    EXPECT_EQ(run(5).size(), 1u) << "four steps after the disconnect the count is compared";
}

TEST(differential_compare, a_classic_consumer_count_is_compared)
{
    conversation c;
    step declare;
    declare.frames.push_back({2, proto::queue_declare{0, "@q1", false, false, false, false, false, {}}, {}, {}, {}});
    c.steps.assign(4, declare);
    transcript a;
    transcript b;
    a.connections[0].channels[1].push_back(command_event(3, proto::channel_close_ok{}));
    b.connections[0].channels[1].push_back(command_event(3, proto::channel_close_ok{}));
    a.connections[0].channels[2].push_back(command_event(3, proto::queue_declare_ok{"p.q1", 0, 0}));
    b.connections[0].channels[2].push_back(command_event(3, proto::queue_declare_ok{"p.q1", 0, 1}));
    const comparison_context context = context_of(c, a, b);
    const auto found = compare(normalise(a, "p.", context), normalise(b, "p.", context));
    ASSERT_EQ(found.size(), 1u) << describe_all(found);
    EXPECT_TRUE(found[0].allowed.empty()) << found[0].describe();
}

TEST(differential_self_check, the_embedded_side_is_the_same_on_every_run)
{
    const target_factory second = [] { return make_embedded_target(); };
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        const conversation c = generate(seed);
        const seed_result one = check(c, second, run_options{});
        const seed_result two = check(c, second, run_options{});
        const auto a = normalise(one.run.first, one.run.prefix);
        const auto b = normalise(two.run.first, two.run.prefix);
        const auto found = compare(a, b);
        EXPECT_TRUE(found.empty()) << "seed " << seed << ": " << describe_all(found);
        std::size_t steps_a = 0;
        std::size_t steps_b = 0;
        for (const auto& [k, v] : a) for (const auto& e : v) steps_a += e.step;
        for (const auto& [k, v] : b) for (const auto& e : v) steps_b += e.step;
        EXPECT_EQ(steps_a, steps_b) << "seed " << seed << ": events arrived at other steps";
    }
}

TEST(differential_printer, a_connect_that_replaces_a_connection_makes_a_new_driver)
{
    // Seed 12 connects connection 0 three times.
    const target_factory second = [] { return make_embedded_target(); };
    const seed_result r = check(generate(12), second, run_options{});
    const std::string test = conformance_test(r.run, "differential_seed_12");
    std::size_t connects = 0;
    for (std::size_t at = test.find("c0.connect();"); at != std::string::npos; at = test.find("c0.connect();", at + 1)) ++connects;
    EXPECT_EQ(connects, 3u) << test;
    EXPECT_NE(test.find("c0 = amqp_driver(url());  // a new connection in place of the last one\n    c0.connect();"), std::string::npos) << test;
    EXPECT_EQ(test.find("expect<proto::connection_start>"), std::string::npos) << test;
    EXPECT_EQ(test.find("expect<proto::connection_tune>"), std::string::npos) << test;
    EXPECT_EQ(test.find("expect<proto::connection_open_ok>"), std::string::npos) << test;
}

TEST(differential_printer, refused_logins_read_only_what_the_driver_has_not)
{
    conversation c;
    step wrong;
    wrong.what = step::kind::connect;
    wrong.credentials = login::wrong_password;
    step vhost = wrong;
    vhost.connection = 1;
    vhost.credentials = login::unknown_vhost;
    c.steps = {wrong, vhost};
    const target_factory second = [] { return make_embedded_target(); };
    const seed_result r = check(c, second, run_options{});
    const std::string test = conformance_test(r.run, "refused");
    EXPECT_NE(test.find("c0.start(o);"), std::string::npos) << test;
    EXPECT_NE(test.find("c1.start(o);\n        c1.tune(o);"), std::string::npos) << test;
    EXPECT_EQ(test.find("expect<proto::connection_start>"), std::string::npos) << test;
    EXPECT_EQ(test.find("expect<proto::connection_tune>"), std::string::npos) << test;
    EXPECT_NE(test.find("c0.expect<proto::connection_close>(0)"), std::string::npos) << test;
    EXPECT_NE(test.find("EXPECT_EQ(m.reply_code, 530);"), std::string::npos) << test;
}

}  // namespace
}  // namespace amqp::differential
