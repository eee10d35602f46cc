// Routing end to end: direct, fanout, topic, headers, exchange-to-exchange bindings
// and alternate exchanges.
#include "conformance_fixture.hpp"

#include <map>
#include <set>
#include <vector>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using routing = conformance;
using bodies = std::multiset<std::string>;

// Takes every message from the queue (acknowledged on the way) and returns the
// bodies. Publishes earlier on the same channel are already in: a queue handles a
// channel's publishes and gets in order.
bodies drain(amqp_driver& d, const std::string& q)
{
    bodies out;
    while (auto m = get(d, 1, q, true)) out.insert(m->body);
    return out;
}

proto::field_table headers(std::initializer_list<proto::field_table::entry> entries)
{
    return proto::field_table(entries);
}

TEST_F(routing, direct_routes_on_the_exact_key)
{
    amqp_driver d = connect_channel();
    const std::string x = exchange_name();
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, "direct"));
    std::map<std::string, std::string> queue_of;
    for (const char* key : {"a", "b", "a2"}) {
        queue_of[key] = queue_name(key);
        d.rpc<proto::queue_declare_ok>(1, declare_queue(queue_of[key]));
    }
    d.rpc<proto::queue_bind_ok>(1, bind_queue(queue_of["a"], x, "a"));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(queue_of["a2"], x, "a"));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(queue_of["b"], x, "b"));

    d.send_message(1, publish_to(x, "a"), "to a");
    d.send_message(1, publish_to(x, "b"), "to b");
    d.send_message(1, publish_to(x, "A", true), "to A");
    EXPECT_EQ(d.expect_message<proto::basic_return>(1).body, "to A");
    EXPECT_EQ(drain(d, queue_of["a"]), bodies{"to a"});
    EXPECT_EQ(drain(d, queue_of["a2"]), bodies{"to a"});
    EXPECT_EQ(drain(d, queue_of["b"]), bodies{"to b"});
    d.close();
}

TEST_F(routing, fanout_ignores_the_routing_key)
{
    amqp_driver d = connect_channel();
    const std::string x = exchange_name();
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, "fanout"));
    std::vector<std::string> queues;
    for (const char* name : {"q1", "q2", "q3"}) {
        queues.push_back(queue_name(name));
        d.rpc<proto::queue_declare_ok>(1, declare_queue(queues.back()));
        d.rpc<proto::queue_bind_ok>(1, bind_queue(queues.back(), x, name));
    }
    d.send_message(1, publish_to(x, "whatever"), "m1");
    d.send_message(1, publish_to(x, ""), "m2");
    for (const std::string& q : queues) EXPECT_EQ(drain(d, q), (bodies{"m1", "m2"})) << q;
    d.close();
}

TEST_F(routing, topic_patterns)
{
    amqp_driver d = connect_channel();
    const std::string x = exchange_name();
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, "topic"));
    const std::map<std::string, std::vector<std::string>> patterns{
        {"orange", {"*.orange.*"}},
        {"rabbit_lazy", {"*.*.rabbit", "lazy.#"}},
        {"all", {"#"}},
        {"a_b", {"a.#.b"}},
        {"one_word", {"*"}},
        {"empty", {""}},
    };
    std::map<std::string, std::string> queue_of;
    for (const auto& [name, keys] : patterns) {
        queue_of[name] = queue_name(name);
        d.rpc<proto::queue_declare_ok>(1, declare_queue(queue_of[name]));
        for (const std::string& key : keys) {
            d.rpc<proto::queue_bind_ok>(1, bind_queue(queue_of[name], x, key));
        }
    }
    const std::vector<std::string> keys{"quick.orange.rabbit",
                                        "lazy.orange.elephant",
                                        "quick.orange.fox",
                                        "lazy.brown.fox",
                                        "lazy.pink.rabbit",
                                        "quick.brown.fox",
                                        "orange",
                                        "quick.orange.male.rabbit",
                                        "lazy.orange.male.rabbit",
                                        "lazy",
                                        "a.b",
                                        "a.x.y.b",
                                        "a.x",
                                        "",
                                        "word",
                                        "a..b"};
    for (const std::string& key : keys) d.send_message(1, publish_to(x, key), key);

    EXPECT_EQ(drain(d, queue_of["orange"]),
              (bodies{"quick.orange.rabbit", "lazy.orange.elephant", "quick.orange.fox"}));
    // Matching two of the queue's bindings still delivers once.
    EXPECT_EQ(drain(d, queue_of["rabbit_lazy"]),
              (bodies{"quick.orange.rabbit", "lazy.orange.elephant", "lazy.brown.fox", "lazy.pink.rabbit",
                      "lazy.orange.male.rabbit", "lazy"}));
    EXPECT_EQ(drain(d, queue_of["all"]), bodies(keys.begin(), keys.end()));
    EXPECT_EQ(drain(d, queue_of["a_b"]), (bodies{"a.b", "a.x.y.b", "a..b"}));
    EXPECT_EQ(drain(d, queue_of["one_word"]), (bodies{"orange", "lazy", "word"}));
    EXPECT_EQ(drain(d, queue_of["empty"]), (bodies{""}));
    d.close();
}

TEST_F(routing, headers_all_and_any)
{
    amqp_driver d = connect_channel();
    const std::string x = exchange_name();
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, "headers"));
    const std::string all = queue_name("all");
    const std::string any = queue_name("any");
    const std::string implicit_all = queue_name("implicit_all");
    for (const std::string& q : {all, any, implicit_all}) d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::queue_bind_ok>(
        1,
        bind_queue(all, x, "",
                   {{"x-match", std::string("all")}, {"format", std::string("pdf")}, {"type", std::string("report")}}));
    d.rpc<proto::queue_bind_ok>(
        1, bind_queue(any, x, "",
                      {{"x-match", std::string("any")}, {"format", std::string("pdf")}, {"type", std::string("log")}}));
    d.rpc<proto::queue_bind_ok>(
        1, bind_queue(implicit_all, x, "", {{"format", std::string("pdf")}, {"type", std::string("report")}}));

    const auto publish = [&](const std::string& body, proto::field_table h) {
        proto::basic_properties props;
        props.headers = std::move(h);
        d.send_message(1, publish_to(x, "ignored"), props, body);
    };
    publish("pdf report", headers({{"format", std::string("pdf")}, {"type", std::string("report")}}));
    publish("pdf report extra",
            headers({{"type", std::string("report")}, {"format", std::string("pdf")}, {"extra", true}}));
    publish("pdf only", headers({{"format", std::string("pdf")}}));
    publish("log only", headers({{"type", std::string("log")}}));
    publish("zip report", headers({{"format", std::string("zip")}, {"type", std::string("report")}}));
    publish("no headers", {});

    EXPECT_EQ(drain(d, all), (bodies{"pdf report", "pdf report extra"}));
    EXPECT_EQ(drain(d, implicit_all), (bodies{"pdf report", "pdf report extra"}));
    EXPECT_EQ(drain(d, any), (bodies{"pdf report", "pdf report extra", "pdf only", "log only"}));
    d.close();
}

TEST_F(routing, headers_matching_ignores_x_arguments_unless_with_x)
{
    amqp_driver d = connect_channel();
    const std::string x = exchange_name();
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, "headers"));
    const std::string any = queue_name("any");
    const std::string any_with_x = queue_name("any_with_x");
    const std::string all_with_x = queue_name("all_with_x");
    for (const std::string& q : {any, any_with_x, all_with_x}) d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::queue_bind_ok>(1,
                                bind_queue(any, x, "", {{"x-match", std::string("any")}, {"x-tag", std::string("t")}}));
    d.rpc<proto::queue_bind_ok>(
        1, bind_queue(any_with_x, x, "", {{"x-match", std::string("any-with-x")}, {"x-tag", std::string("t")}}));
    d.rpc<proto::queue_bind_ok>(
        1,
        bind_queue(all_with_x, x, "",
                   {{"x-match", std::string("all-with-x")}, {"x-tag", std::string("t")}, {"kind", std::string("k")}}));
    proto::basic_properties props;
    props.headers = headers({{"x-tag", std::string("t")}});
    d.send_message(1, publish_to(x, ""), props, "x-tag");
    props.headers = headers({{"x-tag", std::string("t")}, {"kind", std::string("k")}});
    d.send_message(1, publish_to(x, ""), props, "x-tag and kind");

    EXPECT_EQ(drain(d, any), bodies{});
    EXPECT_EQ(drain(d, any_with_x), (bodies{"x-tag", "x-tag and kind"}));
    EXPECT_EQ(drain(d, all_with_x), (bodies{"x-tag and kind"}));
    d.close();
}

TEST_F(routing, predeclared_exchanges_route)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(q, "amq.direct", q));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(q, "amq.topic", q + ".#"));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(q, "amq.fanout", ""));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(q, "amq.match", "", {{"id", std::string(q)}}));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(q, "amq.headers", "", {{"id", std::string(q)}}));
    d.send_message(1, publish_to("amq.direct", q), "direct");
    d.send_message(1, publish_to("amq.topic", q + ".x.y"), "topic");
    d.send_message(1, publish_to("amq.fanout", "any"), "fanout");
    proto::basic_properties props;
    props.headers = headers({{"id", std::string(q)}});
    d.send_message(1, publish_to("amq.match", ""), props, "match");
    d.send_message(1, publish_to("amq.headers", ""), props, "headers");
    EXPECT_EQ(drain(d, q), (bodies{"direct", "topic", "fanout", "match", "headers"}));
    d.close();
}

TEST_F(routing, exchange_to_exchange_bindings)
{
    amqp_driver d = connect_channel();
    const std::string source = exchange_name("source");
    const std::string destination = exchange_name("destination");
    const std::string q = queue_name();
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(source, "topic"));
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(destination, "direct"));
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(q, destination, "k.1"));
    proto::exchange_bind bind;
    bind.destination = destination;
    bind.source = source;
    bind.routing_key = "k.*";
    d.rpc<proto::exchange_bind_ok>(1, bind);

    d.send_message(1, publish_to(source, "k.1"), "through");
    d.send_message(1, publish_to(source, "k.2"), "stops at destination");
    d.send_message(1, publish_to(source, "j.1"), "stops at source");
    EXPECT_EQ(drain(d, q), bodies{"through"});

    proto::exchange_unbind unbind;
    unbind.destination = destination;
    unbind.source = source;
    unbind.routing_key = "k.*";
    d.rpc<proto::exchange_unbind_ok>(1, unbind);
    d.send_message(1, publish_to(source, "k.1", true), "unbound");
    EXPECT_EQ(d.expect_message<proto::basic_return>(1).body, "unbound");
    EXPECT_EQ(drain(d, q), bodies{});
    d.close();
}

TEST_F(routing, alternate_exchange_takes_unroutable_messages)
{
    amqp_driver d = connect_channel();
    const std::string ae = exchange_name("ae");
    const std::string x = exchange_name("x");
    const std::string routed = queue_name("routed");
    const std::string unrouted = queue_name("unrouted");
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(ae, "fanout"));
    proto::exchange_declare declare = declare_exchange(x, "direct");
    declare.arguments = {{"alternate-exchange", std::string(ae)}};
    d.rpc<proto::exchange_declare_ok>(1, declare);
    d.rpc<proto::queue_declare_ok>(1, declare_queue(routed));
    d.rpc<proto::queue_declare_ok>(1, declare_queue(unrouted));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(routed, x, "known"));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(unrouted, ae, ""));

    d.send_message(1, publish_to(x, "known"), "routed");
    // Mandatory is satisfied by the alternate exchange's route: nothing comes back.
    d.send_message(1, publish_to(x, "unknown", true), "via ae");
    EXPECT_EQ(drain(d, routed), bodies{"routed"});
    EXPECT_EQ(drain(d, unrouted), bodies{"via ae"});
    EXPECT_EQ(d.pending(1), 0u);
    d.close();
}

}  // namespace
}  // namespace amqp::test
