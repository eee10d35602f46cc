#include "conformance_printer.hpp"

#include "transcript.hpp"

#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>

namespace amqp::differential {

namespace proto = amqp::protocol;

namespace {

std::string variable_for(std::string_view name)
{
    std::string v;
    for (const char c : name.substr(1)) v += (c == '-' || c == '.') ? '_' : c;
    return v;
}

bool is_name_start(std::string_view s, std::size_t at)
{
    return s[at] == '@' && at + 1 < s.size() &&
           (s[at + 1] == 'q' || s[at + 1] == 'x' || s[at + 1] == 'm' || s[at + 1] == 'u');
}

bool name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

class printer {
public:
    explicit printer(const run_result& run) : run_(run) {}

    // A C++ expression for a string that may contain "@name" tokens.
    std::string string_expr(std::string_view s)
    {
        std::vector<std::string> parts;
        std::string literal;
        for (std::size_t i = 0; i < s.size();) {
            if (is_name_start(s, i)) {
                std::size_t end = i + 1;
                while (end < s.size() && name_char(s[end])) ++end;
                if (!literal.empty()) parts.push_back(cpp_literal(literal));
                literal.clear();
                const std::string name(s.substr(i, end - i));
                names_.insert(name);
                parts.push_back(variable_for(name));
                i = end;
            } else {
                literal += s[i++];
            }
        }
        if (!literal.empty() || parts.empty()) parts.push_back(cpp_literal(literal));
        if (parts.size() == 1) return parts[0].starts_with('"') ? "std::string(" + parts[0] + ")" : parts[0];
        std::string out;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            if (i) out += " + ";
            out += i == 0 && parts[i].starts_with('"') ? "std::string(" + parts[i] + ")" : parts[i];
        }
        return out;
    }

    std::string value_expr(const proto::field_value& v)
    {
        std::ostringstream os;
        std::visit(
            [&](const auto& x) {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, std::string>) os << string_expr(x);
                else if constexpr (std::is_same_v<T, bool>) os << (x ? "true" : "false");
                else if constexpr (std::is_same_v<T, std::int8_t>) os << "std::int8_t(" << int(x) << ")";
                else if constexpr (std::is_same_v<T, std::uint8_t>) os << "std::uint8_t(" << int(x) << ")";
                else if constexpr (std::is_same_v<T, std::int16_t>) os << "std::int16_t(" << x << ")";
                else if constexpr (std::is_same_v<T, std::uint16_t>) os << "std::uint16_t(" << x << ")";
                else if constexpr (std::is_same_v<T, std::int32_t>) os << "std::int32_t(" << x << ")";
                else if constexpr (std::is_same_v<T, std::uint32_t>) os << "std::uint32_t(" << x << "u)";
                else if constexpr (std::is_same_v<T, std::int64_t>) os << "std::int64_t(" << x << "ll)";
                else if constexpr (std::is_same_v<T, proto::field_table>) os << table_expr(x);
                else os << "proto::field_value{} /* unsupported in printing */";
            },
            v.variant());
        return os.str();
    }

    std::string table_expr(const proto::field_table& t)
    {
        if (t.empty()) return "{}";
        std::string out = "proto::field_table{";
        bool first = true;
        for (const auto& [k, v] : t) {
            out += (first ? "{" : ", {") + cpp_literal(k) + ", " + value_expr(v) + "}";
            first = false;
        }
        return out + "}";
    }

    std::string method_expr(const proto::method& m)
    {
        std::string out;
        std::visit(
            [&](const auto& alternative) {
                using M = std::decay_t<decltype(alternative)>;
                out = "proto::" + type_name(M::name) + "{";
                bool first = true;
                M::fields(alternative, [&](std::string_view, const auto& field) {
                    using F = std::decay_t<decltype(field)>;
                    if (!first) out += ", ";
                    first = false;
                    if constexpr (std::is_same_v<F, std::string>) out += string_expr(field);
                    else if constexpr (std::is_same_v<F, bool>) out += field ? "true" : "false";
                    else if constexpr (std::is_same_v<F, proto::field_table>) out += table_expr(field);
                    else if constexpr (std::is_integral_v<F>) out += std::to_string(field);
                    else out += "{}";
                });
                out += "}";
            },
            m);
        return out;
    }

    static std::string type_name(std::string_view name)
    {
        std::string t;
        for (const char c : name) t += (c == '.' || c == '-') ? '_' : c;
        return t;
    }

    std::string properties_expr(const proto::basic_properties& p)
    {
        if (p == proto::basic_properties{}) return "proto::basic_properties{}";
        std::string out = "[&] {\n            proto::basic_properties p;\n";
        const auto line = [&out](std::string_view field, const std::string& value) {
            out += "            p." + std::string(field) + " = " + value + ";\n";
        };
        if (p.content_type) line("content_type", string_expr(*p.content_type));
        if (p.content_encoding) line("content_encoding", string_expr(*p.content_encoding));
        if (p.headers) line("headers", table_expr(*p.headers));
        if (p.delivery_mode) line("delivery_mode", "std::uint8_t(" + std::to_string(*p.delivery_mode) + ")");
        if (p.priority) line("priority", "std::uint8_t(" + std::to_string(*p.priority) + ")");
        if (p.correlation_id) line("correlation_id", string_expr(*p.correlation_id));
        if (p.reply_to) line("reply_to", string_expr(*p.reply_to));
        if (p.expiration) line("expiration", string_expr(*p.expiration));
        if (p.message_id) line("message_id", string_expr(*p.message_id));
        if (p.timestamp)
            line("timestamp", "proto::timestamp(std::chrono::seconds(" +
                                  std::to_string(p.timestamp->time_since_epoch().count()) + "))");
        if (p.type) line("type", string_expr(*p.type));
        if (p.user_id) line("user_id", string_expr(*p.user_id));
        if (p.app_id) line("app_id", string_expr(*p.app_id));
        if (p.cluster_id) line("cluster_id", string_expr(*p.cluster_id));
        return out + "            return p;\n        }()";
    }

    std::string body_expr(const std::string& body)
    {
        if (body.size() > 64 && body.find_first_not_of(body[0]) == std::string::npos) {
            return "std::string(" + std::to_string(body.size()) + ", " +
                   cpp_literal(std::string(1, body[0])).replace(0, 1, "'").replace(2, 1, "'") + ")";
        }
        return "std::string(" + cpp_literal(body) + ", " + std::to_string(body.size()) + ")";
    }

    // `skip`: the handshake methods the driver's connect, start or tune already read.
    void expectation(std::ostream& os, const std::string& c, std::uint16_t channel, const normalised_event& e,
                     const std::set<std::string_view>& skip)
    {
        const event& o = e.original;
        if (o.what == event::kind::socket_closed) {
            os << "    " << c << ".expect_socket_closed();\n";
            return;
        }
        if (o.what == event::kind::undecodable) {
            os << "    // the server sent bytes the codec refuses: " << o.detail << "\n";
            return;
        }
        const proto::method& m = o.command.method;
        std::string_view name;
        std::visit([&name](const auto& x) { name = std::decay_t<decltype(x)>::name; }, m);
        if (channel == 0 && skip.count(name)) return;
        const std::string ch = std::to_string(channel);
        std::string type;
        std::visit([&type](const auto& x) { type = type_name(std::decay_t<decltype(x)>::name); }, m);
        const auto close_checks = [&](std::uint16_t code, const std::string& text, std::uint16_t cls,
                                      std::uint16_t mth) {
            os << "        EXPECT_EQ(m.reply_code, " << code << ");\n";
            std::string t = text;
            // The normalised text, with the run's names back as variables.
            const std::size_t generated = t.find("amq.gen-#");
            if (generated == std::string::npos) {
                os << "        EXPECT_EQ(m.reply_text, " << string_expr(t) << ");\n";
            } else {
                os << "        EXPECT_TRUE(m.reply_text.starts_with(" << string_expr(t.substr(0, generated)) << "));\n";
            }
            os << "        EXPECT_EQ(m.class_id, " << cls << ");\n        EXPECT_EQ(m.method_id, " << mth << ");\n";
        };
        if (const auto* close = std::get_if<proto::channel_close>(&m)) {
            os << "    {\n        const auto m = " << c << ".expect<proto::channel_close>(" << ch << ");\n";
            close_checks(close->reply_code, unprefixed(close->reply_text), close->class_id, close->method_id);
            os << "        " << c << ".send(" << ch << ", proto::channel_close_ok{});\n    }\n";
        } else if (const auto* cclose = std::get_if<proto::connection_close>(&m)) {
            os << "    {\n        const auto m = " << c << ".expect<proto::connection_close>(0);\n";
            close_checks(cclose->reply_code, unprefixed(cclose->reply_text), cclose->class_id, cclose->method_id);
            os << "        " << c << ".send(0, proto::connection_close_ok{});\n    }\n";
        } else if (const auto* ok = std::get_if<proto::queue_declare_ok>(&m)) {
            // The message count is not checked: RabbitMQ counts ahead of its queue processes.
            os << "    EXPECT_EQ(" << c << ".expect<proto::queue_declare_ok>(" << ch << ").consumer_count, "
               << ok->consumer_count << "u);\n";
        } else if (o.command.header) {
            os << "    {\n        const auto m = " << c << ".expect_message<proto::" << type << ">(" << ch << ");\n";
            os << "        EXPECT_EQ(m.body, " << body_expr(unprefixed(o.command.body)) << ");\n    }\n";
        } else {
            os << "    " << c << ".expect<proto::" << type << ">(" << ch << ");\n";
        }
    }

    std::string unprefixed(std::string s) const
    {
        for (std::size_t at = s.find(run_.prefix); at != std::string::npos; at = s.find(run_.prefix, at + 1)) {
            s.replace(at, run_.prefix.size(), "@");
        }
        return s;
    }

    std::string print(std::string_view test_name)
    {
        // What the other broker sent, per step, each channel in the order it arrived
        // (a delivery may come before or after a reply; the driver reads each channel
        // in order), channels other than 0 first: the driver reports a connection.close
        // while a test waits on another channel.
        std::vector<normalised_event> received;
        std::vector<stream_key> where;
        for (int pass = 0; pass < 2; ++pass) {
            for (std::size_t c = 0; c < run_.second.connections.size(); ++c) {
                for (const auto& [channel, events] : run_.second.connections[c].channels) {
                    if ((channel == 0) != (pass == 1)) continue;
                    for (const event& e : events) {
                        received.push_back({e.step, {}, e, {}});
                        where.push_back({int(c), channel, 0, e.incarnation});
                    }
                }
            }
        }
        std::map<std::size_t, std::vector<std::pair<stream_key, const normalised_event*>>> by_step;
        for (std::size_t k = 0; k < received.size(); ++k) by_step[received[k].step].push_back({where[k], &received[k]});
        std::ostringstream body;
        std::set<int> declared;
        for (std::size_t i = 0; i < run_.sent.steps.size(); ++i) {
            const step& s = run_.sent.steps[i];
            const std::string c = "c" + std::to_string(s.connection);
            std::set<std::string_view> skip;
            body << "    // " << describe(s).substr(0, 150) << "\n";
            if (i < run_.played_second.size() && !run_.played_second[i]) {
                body << "    // (not sent: the connection had ended)\n";
                continue;
            }
            switch (s.what) {
            case step::kind::connect:
                if (declared.insert(s.connection).second) {
                    body << "    amqp_driver " << c << "(url());\n";
                } else {
                    body << "    " << c << " = amqp_driver(url());  // a new connection in place of the last one\n";
                }
                if (s.credentials == login::ok) {
                    body << "    " << c << ".connect();\n";
                    skip = {"connection.start", "connection.tune", "connection.open-ok"};
                } else if (s.credentials == login::wrong_password) {
                    body << "    {\n        connect_options o;\n        o.password = \"wrong-password\";\n";
                    body << "        " << c << ".start(o);\n    }\n";
                    skip = {"connection.start"};
                } else {
                    body << "    {\n        connect_options o;\n        o.vhost = \"no-such-vhost\";\n";
                    body << "        " << c << ".start(o);\n        " << c << ".tune(o);\n";
                    body << "        " << c
                         << ".send(0, proto::connection_open{\"no-such-vhost\", \"\", false});\n    }\n";
                    skip = {"connection.start", "connection.tune"};
                }
                break;
            case step::kind::disconnect:
                body << "    " << c << " = amqp_driver(url());  // the socket closes without connection.close\n";
                break;
            case step::kind::send:
                for (const outgoing& o : s.frames) {
                    if (!o.raw.empty()) {
                        body << "    " << c << ".send_bytes(std::string(" << cpp_literal(o.raw) << ", " << o.raw.size()
                             << "));\n";
                    } else if (const auto* p = std::get_if<proto::basic_publish>(&o.method)) {
                        body << "    " << c << ".send_message(" << o.channel << ", " << method_expr(*p) << ",\n        "
                             << properties_expr(o.properties) << ",\n        " << body_expr(o.body) << ");\n";
                    } else {
                        body << "    " << c << ".send(" << o.channel << ", " << method_expr(o.method) << ");\n";
                    }
                }
                break;
            }
            for (const auto& [key, e] : by_step[i]) {
                if (key.connection != s.connection && !declared.count(key.connection)) continue;
                static const std::set<std::string_view> none;
                expectation(body, "c" + std::to_string(key.connection), key.channel, *e,
                            key.connection == s.connection ? skip : none);
            }
            for (const auto& [after, connection] : run_.ended) {
                if (after != i) continue;
                body << "    c" << connection
                     << " = amqp_driver(url());  // the client closes the socket: what follows on it "
                     << "is the consequence of a deliberate difference\n";
            }
        }
        std::ostringstream os;
        os << "// Seed " << run_.sent.seed << ", shrunk by the differential tester; what RabbitMQ answered.\n";
        os << "TEST_F(conformance, " << test_name << ")\n{\n";
        for (const std::string& name : names_) {
            const bool queue = name.starts_with("@q") || name.starts_with("@missing-q") || name.starts_with("@u");
            os << "    const std::string " << variable_for(name) << " = " << (queue ? "queue_name(" : "exchange_name(")
               << cpp_literal(name.substr(1)) << ");\n";
        }
        os << body.str() << "}\n";
        return os.str();
    }

private:
    const run_result& run_;
    std::set<std::string> names_;
};

}  // namespace

std::string cpp_literal(std::string_view bytes)
{
    std::string out = "\"";
    bool after_hex = false;
    for (const char ch : bytes) {
        const auto u = static_cast<unsigned char>(ch);
        const bool hex_digit = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
        if (after_hex && hex_digit) out += "\" \"";
        after_hex = false;
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (u >= 0x20 && u < 0x7f) {
            out += ch;
        } else {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\x%02x", u);
            out += buffer;
            after_hex = true;
        }
    }
    return out + "\"";
}

std::string conformance_test(const run_result& run, std::string_view test_name)
{
    return printer(run).print(test_name);
}

}  // namespace amqp::differential
