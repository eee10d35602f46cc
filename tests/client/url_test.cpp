#include <amqp/client/url.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::client {

// Printers for readable failures; static so that another test file may define its own.
static void PrintTo(const endpoint& e, std::ostream* os) { *os << e.host << ':' << e.port; }

static void PrintTo(const connection_options& o, std::ostream* os)
{
    *os << "{endpoints=[";
    for (const auto& e : o.endpoints) *os << ' ' << e.host << ':' << e.port;
    *os << " ] tls=" << o.tls << " user=" << o.user << " password=" << o.password << " vhost=" << o.vhost
        << " name=" << o.connection_name << " heartbeat=" << (o.heartbeat ? std::to_string(*o.heartbeat) : "unset")
        << " frame_max=" << o.frame_max << " channel_max=" << o.channel_max
        << " connection_timeout=" << o.connection_timeout.count() << "ms"
        << " connection_attempts=" << o.connection_attempts << " retry_delay=" << o.retry_delay.count() << "ms"
        << " reconnect_interval=" << o.reconnect_interval.count() << "ms"
        << " fail_fast=" << o.fail_fast << " cafile=" << o.tls_settings.cafile << " capath=" << o.tls_settings.capath
        << " certfile=" << o.tls_settings.certfile << " keyfile=" << o.tls_settings.keyfile
        << " verify=" << o.tls_settings.verify << "}";
}

namespace {

using std::chrono::milliseconds;
using testing::AllOf;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::Not;

connection_options parse_ok(std::string_view url)
{
    auto result = parse_url(url);
    if (const auto* error = std::get_if<url_error>(&result)) {
        ADD_FAILURE() << "parse_url(\"" << url << "\") failed: " << error->message;
        return {};
    }
    return std::get<connection_options>(result);
}

std::string parse_error(std::string_view url)
{
    auto result = parse_url(url);
    if (const auto* error = std::get_if<url_error>(&result)) return error->message;
    ADD_FAILURE() << "parse_url(\"" << url << "\") succeeded; expected an error";
    return {};
}

connection_options parse_ok(const std::vector<std::string>& urls)
{
    auto result = parse_urls(urls);
    if (const auto* error = std::get_if<url_error>(&result)) {
        ADD_FAILURE() << "parse_urls failed: " << error->message;
        return {};
    }
    return std::get<connection_options>(result);
}

std::string parse_error(const std::vector<std::string>& urls)
{
    auto result = parse_urls(urls);
    if (const auto* error = std::get_if<url_error>(&result)) return error->message;
    ADD_FAILURE() << "parse_urls succeeded; expected an error";
    return {};
}

// Defaults, scheme, userinfo -----------------------------------------------------------

TEST(parse_url, bare_scheme_gives_the_defaults)
{
    EXPECT_EQ(parse_ok("amqp://"), connection_options{});
    EXPECT_EQ(parse_ok("amqp://localhost"), connection_options{});
    EXPECT_EQ(parse_ok("amqp://localhost:5672/"), connection_options{});
}

TEST(parse_url, full_url)
{
    const auto o = parse_ok("amqp://alice:s3cret@broker.example:1234/prod");
    EXPECT_EQ(o.user, "alice");
    EXPECT_EQ(o.password, "s3cret");
    EXPECT_THAT(o.endpoints, ElementsAre(endpoint{"broker.example", 1234}));
    EXPECT_EQ(o.vhost, "prod");
    EXPECT_FALSE(o.tls);
}

TEST(parse_url, amqps_sets_tls_and_port_5671)
{
    const auto o = parse_ok("amqps://broker");
    EXPECT_TRUE(o.tls);
    EXPECT_THAT(o.endpoints, ElementsAre(endpoint{"broker", 5671}));
    EXPECT_TRUE(o.tls_settings.verify);
    EXPECT_THAT(parse_ok("amqps://broker:6000").endpoints, ElementsAre(endpoint{"broker", 6000}));
}

TEST(parse_url, scheme_is_case_insensitive)
{
    EXPECT_FALSE(parse_ok("AMQP://h").tls);
    EXPECT_TRUE(parse_ok("AmQpS://h").tls);
}

struct userinfo_case {
    std::string url;
    std::string user;
    std::string password;
};

class userinfo : public testing::TestWithParam<userinfo_case> {};

TEST_P(userinfo, is_split_and_percent_decoded)
{
    const auto o = parse_ok(GetParam().url);
    EXPECT_EQ(o.user, GetParam().user);
    EXPECT_EQ(o.password, GetParam().password);
}

INSTANTIATE_TEST_SUITE_P(parse_url, userinfo,
                         testing::Values(userinfo_case{"amqp://h", "guest", "guest"},
                                         userinfo_case{"amqp://bob:pw@h", "bob", "pw"},
                                         // RabbitMQ's URI spec: a missing part keeps its default.
                                         userinfo_case{"amqp://bob@h", "bob", "guest"},
                                         userinfo_case{"amqp://:@h", "", ""}, userinfo_case{"amqp://bob:@h", "bob", ""},
                                         userinfo_case{"amqp://us%65r:%70%40ss%3Aw%2Fd@h", "user", "p@ss:w/d"},
                                         userinfo_case{"amqp://bob:a:b@h", "bob", "a:b"},
                                         // An unescaped '@' in the password still parses: the last '@' ends it.
                                         userinfo_case{"amqp://bob:p@ss@h", "bob", "p@ss"},
                                         userinfo_case{"amqp://bob:p+q@h", "bob", "p+q"}));

// Hosts ----------------------------------------------------------------------------

struct hosts_case {
    std::string url;
    std::vector<endpoint> endpoints;
};

class hosts : public testing::TestWithParam<hosts_case> {};

TEST_P(hosts, are_parsed_in_order) { EXPECT_EQ(parse_ok(GetParam().url).endpoints, GetParam().endpoints); }

INSTANTIATE_TEST_SUITE_P(
    parse_url, hosts,
    testing::Values(hosts_case{"amqp://h", {{"h", 5672}}}, hosts_case{"amqp://h:1", {{"h", 1}}},
                    hosts_case{"amqp://h:65535", {{"h", 65535}}}, hosts_case{"amqp://h:05672", {{"h", 5672}}},
                    hosts_case{"amqp://10.0.0.1:5673/", {{"10.0.0.1", 5673}}},
                    hosts_case{"amqp://[::1]:5672", {{"::1", 5672}}}, hosts_case{"amqp://[::1]", {{"::1", 5672}}},
                    hosts_case{"amqps://[fe80::1%25eth0]", {{"fe80::1%eth0", 5671}}},
                    hosts_case{"amqp://", {{"localhost", 5672}}}, hosts_case{"amqp:///", {{"localhost", 5672}}},
                    hosts_case{"amqp://:5673/", {{"localhost", 5673}}},
                    hosts_case{"amqp://u:p@/", {{"localhost", 5672}}}, hosts_case{"amqp://ho%73t", {{"host", 5672}}},
                    hosts_case{"amqp://host1:5672,host2,host3:5673",
                               {{"host1", 5672}, {"host2", 5672}, {"host3", 5673}}},
                    hosts_case{"amqps://u:p@a,[::1]:7000,b/vh", {{"a", 5671}, {"::1", 7000}, {"b", 5671}}}));

// Vhost ---------------------------------------------------------------------------------

struct vhost_case {
    std::string url;
    std::string vhost;
};

class vhost : public testing::TestWithParam<vhost_case> {};

TEST_P(vhost, is_the_percent_decoded_path) { EXPECT_EQ(parse_ok(GetParam().url).vhost, GetParam().vhost); }

INSTANTIATE_TEST_SUITE_P(
    parse_url, vhost,
    testing::Values(vhost_case{"amqp://host", "/"}, vhost_case{"amqp://host/", "/"}, vhost_case{"amqp://host/%2F", "/"},
                    vhost_case{"amqp://host/%2f", "/"}, vhost_case{"amqp://host/vh", "vh"},
                    vhost_case{"amqp://host/a%2Fb", "a/b"}, vhost_case{"amqp://host/%2Fprod", "/prod"},
                    vhost_case{"amqp://host/my%20vh", "my vh"}, vhost_case{"amqp://host/a+b", "a+b"},
                    vhost_case{"amqp://host?heartbeat=1", "/"}, vhost_case{"amqp://host/?heartbeat=1", "/"},
                    vhost_case{"amqp://host/vh?heartbeat=1", "vh"}, vhost_case{"amqp:///vh", "vh"}));

// Query parameters ------------------------------------------------------------------------

struct query_case {
    std::string query;
    std::function<void(connection_options&)> expect;  // applied to the defaults
};

class query : public testing::TestWithParam<query_case> {};

TEST_P(query, sets_the_option)
{
    connection_options expected;
    GetParam().expect(expected);
    EXPECT_EQ(parse_ok("amqp://localhost/?" + GetParam().query), expected) << GetParam().query;
}

INSTANTIATE_TEST_SUITE_P(
    parse_url, query,
    testing::Values(query_case{"name=orders", [](auto& o) { o.connection_name = "orders"; }},
                    query_case{"name=my%20app%26co", [](auto& o) { o.connection_name = "my app&co"; }},
                    query_case{"name=a+b", [](auto& o) { o.connection_name = "a+b"; }},
                    query_case{"name=", [](auto& o) { o.connection_name = ""; }},
                    query_case{"heartbeat=0", [](auto& o) { o.heartbeat = 0; }},
                    query_case{"heartbeat=30", [](auto& o) { o.heartbeat = 30; }},
                    query_case{"heartbeat=65535", [](auto& o) { o.heartbeat = 65535; }},
                    query_case{"frame_max=0", [](auto& o) { o.frame_max = 0; }},
                    query_case{"frame_max=4096", [](auto& o) { o.frame_max = 4096; }},
                    query_case{"frame_max=4294967295", [](auto& o) { o.frame_max = 4294967295u; }},
                    query_case{"channel_max=0", [](auto& o) { o.channel_max = 0; }},
                    query_case{"channel_max=65535", [](auto& o) { o.channel_max = 65535; }},
                    query_case{"connection_timeout=3", [](auto& o) { o.connection_timeout = milliseconds{3000}; }},
                    query_case{"connection_timeout=0.5", [](auto& o) { o.connection_timeout = milliseconds{500}; }},
                    query_case{"connection_timeout=.25", [](auto& o) { o.connection_timeout = milliseconds{250}; }},
                    query_case{"connection_timeout=2.", [](auto& o) { o.connection_timeout = milliseconds{2000}; }},
                    query_case{"connection_timeout=1.2345", [](auto& o) { o.connection_timeout = milliseconds{1234}; }},
                    query_case{"timeout=1.5", [](auto& o) { o.connection_timeout = milliseconds{1500}; }},
                    query_case{"connection_attempts=1", [](auto& o) { o.connection_attempts = 1; }},
                    query_case{"connection_attempts=5", [](auto& o) { o.connection_attempts = 5; }},
                    query_case{"retry_delay=0", [](auto& o) { o.retry_delay = milliseconds{0}; }},
                    query_case{"retry_delay=0.1", [](auto& o) { o.retry_delay = milliseconds{100}; }},
                    query_case{"reconnect_interval=7", [](auto& o) { o.reconnect_interval = milliseconds{7000}; }},
                    query_case{"reconnect_interval=0.05", [](auto& o) { o.reconnect_interval = milliseconds{50}; }},
                    query_case{"fail_fast=false", [](auto& o) { o.fail_fast = false; }},
                    query_case{"fail_fast=No", [](auto& o) { o.fail_fast = false; }},
                    query_case{"fail_fast=0", [](auto& o) { o.fail_fast = false; }},
                    query_case{"fail_fast=TRUE", [](auto& o) { o.fail_fast = true; }},
                    query_case{"fail_fast=yes", [](auto& o) { o.fail_fast = true; }},
                    query_case{"fail_fast=1", [](auto& o) { o.fail_fast = true; }},
                    query_case{"cafile=%2Fetc%2Fca.pem", [](auto& o) { o.tls_settings.cafile = "/etc/ca.pem"; }},
                    query_case{"capath=/etc/ssl/certs", [](auto& o) { o.tls_settings.capath = "/etc/ssl/certs"; }},
                    query_case{"certfile=c.pem", [](auto& o) { o.tls_settings.certfile = "c.pem"; }},
                    query_case{"keyfile=k.pem", [](auto& o) { o.tls_settings.keyfile = "k.pem"; }},
                    query_case{"no_verify_ssl=true", [](auto& o) { o.tls_settings.verify = false; }},
                    query_case{"no_verify_ssl=0", [](auto& o) { o.tls_settings.verify = true; }},
                    query_case{"no_verify_ssl=1&no_verify_ssl=false", [](auto& o) { o.tls_settings.verify = true; }},
                    // A repeated parameter: the last one wins.
                    query_case{"heartbeat=5&heartbeat=10", [](auto& o) { o.heartbeat = 10; }},
                    query_case{"timeout=1&connection_timeout=2",
                               [](auto& o) { o.connection_timeout = milliseconds{2000}; }},
                    // Empty items are skipped.
                    query_case{"", [](auto&) {}}, query_case{"&heartbeat=1&&", [](auto& o) { o.heartbeat = 1; }},
                    query_case{"heartbeat=10&frame_max=8192&channel_max=16&name=x", [](auto& o) {
                                   o.heartbeat = 10;
                                   o.frame_max = 8192;
                                   o.channel_max = 16;
                                   o.connection_name = "x";
                               }}));

TEST(parse_url, tls_files_need_not_come_with_amqps)
{
    const auto o = parse_ok("amqp://h/?cafile=ca.pem");
    EXPECT_FALSE(o.tls);
    EXPECT_EQ(o.tls_settings.cafile, "ca.pem");
}

// Errors --------------------------------------------------------------------------------

struct error_case {
    std::string url;
    std::vector<std::string> words;  // all must appear in the message
};

class url_errors : public testing::TestWithParam<error_case> {};

TEST_P(url_errors, name_the_problem)
{
    const auto message = parse_error(GetParam().url);
    for (const auto& word : GetParam().words) EXPECT_THAT(message, HasSubstr(word)) << GetParam().url;
}

INSTANTIATE_TEST_SUITE_P(
    parse_url, url_errors,
    testing::Values(
        // Scheme and shape.
        error_case{"", {"missing '://'"}}, error_case{"localhost:5672", {"missing '://'"}},
        error_case{"amqp:/host", {"missing '://'"}},
        error_case{"http://host", {"unsupported scheme 'http'", "amqp", "amqps"}},
        error_case{"amqpx://host", {"unsupported scheme 'amqpx'"}}, error_case{"://host", {"unsupported scheme ''"}},
        error_case{" amqp://host", {"starts with whitespace"}}, error_case{"amqp://host\n", {"ends with whitespace"}},
        error_case{"amqp://host/\t", {"ends with whitespace"}}, error_case{"amqp://host/vh#frag", {"fragment", "%23"}},
        error_case{"amqp://u:pa#ss@host", {"fragment", "%23"}},
        // Percent-encoding.
        error_case{"amqp://host/%G1", {"bad percent-escape '%G1'", "vhost"}},
        error_case{"amqp://host/vh%", {"bad percent-escape '%'", "vhost"}},
        error_case{"amqp://host/vh%4", {"bad percent-escape '%4'"}},
        error_case{"amqp://us%zzer@host", {"bad percent-escape '%zz'", "user name"}},
        error_case{"amqp://ho%st", {"bad percent-escape '%st'", "host"}},
        error_case{"amqp://h/?name=%x1", {"bad percent-escape '%x1'", "'name'"}},
        error_case{"amqp://h/?na%me=1", {"bad percent-escape '%me'", "parameter name"}},
        // Ports.
        error_case{"amqp://host:56x2", {"port '56x2'", "between 1 and 65535"}},
        error_case{"amqp://host:0", {"port '0'"}}, error_case{"amqp://host:65536", {"port '65536'"}},
        error_case{"amqp://host:-1", {"port '-1'"}}, error_case{"amqp://host:+1", {"port '+1'"}},
        error_case{"amqp://host:", {"port ''"}},
        error_case{"amqp://host:99999999999999999999999", {"port '99999999999999999999999'"}},
        error_case{"amqp://a:1,b:x", {"port 'x'"}},
        // Hosts.
        error_case{"amqp://::1", {"IPv6", "brackets"}}, error_case{"amqp://[::1", {"IPv6", "']'"}},
        error_case{"amqp://[::1]x", {"'x'", "':port'"}}, error_case{"amqp://[]", {"empty IPv6"}},
        error_case{"amqp://a,,b", {"empty host"}}, error_case{"amqp://a,", {"empty host"}},
        error_case{"amqp://my%20host", {"host 'my host'", "whitespace"}},
        // Vhost.
        error_case{"amqp://host/a/b", {"vhost 'a/b'", "%2F", "'a%2Fb'"}},
        error_case{"amqp://host//", {"vhost '/'", "%2F"}}, error_case{"amqp://host/vh/", {"vhost 'vh/'", "%2F"}},
        // Query parameters.
        error_case{"amqp://h/?hearbeat=5", {"unknown query parameter 'hearbeat'", "did you mean 'heartbeat'?"}},
        error_case{"amqp://h/?Heartbeat=5", {"unknown query parameter 'Heartbeat'", "did you mean 'heartbeat'?"}},
        error_case{"amqp://h/?framemax=5", {"unknown query parameter 'framemax'", "did you mean 'frame_max'?"}},
        error_case{"amqp://h/?timeot=5", {"'timeot'", "did you mean 'timeout'?"}},
        error_case{"amqp://h/?ca_file=x", {"'ca_file'", "did you mean 'cafile'?"}},
        error_case{"amqp://h/?ssl_options=x", {"unknown query parameter 'ssl_options'"}},
        error_case{"amqp://h/?=5", {"has no name"}}, error_case{"amqp://h/?heartbeat", {"'heartbeat'", "no value"}},
        error_case{"amqp://h/?heartbeat=", {"'heartbeat'", "bad value ''"}},
        error_case{"amqp://h/?heartbeat=-1", {"'heartbeat'", "'-1'"}},
        error_case{"amqp://h/?heartbeat=1.5", {"'heartbeat'", "'1.5'"}},
        error_case{"amqp://h/?heartbeat=65536", {"'heartbeat'", "'65536'", "0 to 65535"}},
        error_case{"amqp://h/?heartbeat=ten", {"'heartbeat'", "'ten'"}},
        error_case{"amqp://h/?frame_max=4095", {"'frame_max'", "'4095'", "4096"}},
        error_case{"amqp://h/?frame_max=1", {"'frame_max'", "'1'"}},
        error_case{"amqp://h/?frame_max=4294967296", {"'frame_max'", "'4294967296'"}},
        error_case{"amqp://h/?channel_max=65536", {"'channel_max'", "'65536'"}},
        error_case{"amqp://h/?channel_max=x", {"'channel_max'", "'x'"}},
        error_case{"amqp://h/?connection_timeout=0", {"'connection_timeout'", "'0'", "positive"}},
        error_case{"amqp://h/?connection_timeout=0.0001", {"'connection_timeout'", "positive"}},
        error_case{"amqp://h/?connection_timeout=-1", {"'connection_timeout'", "'-1'"}},
        error_case{"amqp://h/?connection_timeout=1e3", {"'connection_timeout'", "'1e3'"}},
        error_case{"amqp://h/?connection_timeout=inf", {"'connection_timeout'", "'inf'"}},
        error_case{"amqp://h/?connection_timeout=.", {"'connection_timeout'", "'.'"}},
        error_case{"amqp://h/?connection_timeout=1.2.3", {"'connection_timeout'", "'1.2.3'"}},
        error_case{"amqp://h/?timeout=abc", {"'timeout'", "'abc'"}},
        error_case{"amqp://h/?connection_timeout=99999999999999999999", {"'connection_timeout'"}},
        error_case{"amqp://h/?connection_attempts=0", {"'connection_attempts'", "'0'", "at least 1"}},
        error_case{"amqp://h/?connection_attempts=two", {"'connection_attempts'", "'two'"}},
        error_case{"amqp://h/?retry_delay=-2", {"'retry_delay'", "'-2'"}},
        error_case{"amqp://h/?reconnect_interval=5s", {"'reconnect_interval'", "'5s'"}},
        error_case{"amqp://h/?fail_fast=maybe", {"'fail_fast'", "'maybe'", "true"}},
        error_case{"amqp://h/?no_verify_ssl=2", {"'no_verify_ssl'", "'2'"}},
        error_case{"amqp://h/?heartbeat=1+1", {"'heartbeat'", "'1+1'"}}));

TEST(parse_url, no_suggestion_when_nothing_is_close)
{
    EXPECT_THAT(parse_error("amqp://h/?colour=red"),
                AllOf(HasSubstr("unknown query parameter 'colour'"), Not(HasSubstr("did you mean"))));
}

TEST(parse_url, password_never_appears_in_an_error)
{
    for (const std::string url : {"amqp://u:s3cr%Gt@h", "amqp://u:s3cr%@h", "amqp://u:s3cr#t@h"}) {
        const auto message = parse_error(url);
        EXPECT_THAT(message, Not(HasSubstr("s3cr"))) << url;
        EXPECT_THAT(message, Not(HasSubstr("%G"))) << url;
    }
    EXPECT_THAT(parse_error("amqp://u:s3cr%Gt@h"), HasSubstr("bad percent-escape in the password"));
}

TEST(parse_url, interior_whitespace_is_left_to_the_parts)
{
    EXPECT_EQ(parse_ok("amqp://h/?name=my app").connection_name, "my app");
}

// parse_urls ----------------------------------------------------------------------------

TEST(parse_urls, empty_span_is_an_error) { EXPECT_THAT(parse_error(std::vector<std::string>{}), HasSubstr("no URLs")); }

TEST(parse_urls, one_url_is_parse_url)
{
    EXPECT_EQ(parse_ok(std::vector<std::string>{"amqp://u:p@h:1/vh?heartbeat=3"}),
              parse_ok("amqp://u:p@h:1/vh?heartbeat=3"));
}

TEST(parse_urls, appends_endpoints_and_takes_the_rest_from_the_first)
{
    const auto o = parse_ok(std::vector<std::string>{
        "amqp://alice:pw@a:1,b/prod?heartbeat=5",
        "amqp://bob:other@c:3/test?heartbeat=99&name=ignored",
        "amqps://d",
    });
    EXPECT_THAT(o.endpoints, ElementsAre(endpoint{"a", 1}, endpoint{"b", 5672}, endpoint{"c", 3}, endpoint{"d", 5671}));
    EXPECT_EQ(o.user, "alice");
    EXPECT_EQ(o.password, "pw");
    EXPECT_EQ(o.vhost, "prod");
    EXPECT_EQ(o.heartbeat, 5);
    EXPECT_EQ(o.connection_name, "");
    EXPECT_FALSE(o.tls);
}

TEST(parse_urls, error_names_the_url_by_its_position)
{
    EXPECT_THAT(parse_error(std::vector<std::string>{"amqp://a", "amqp://b:x"}),
                AllOf(HasSubstr("URL 2: "), HasSubstr("port 'x'")));
    EXPECT_THAT(parse_error(std::vector<std::string>{"http://a", "amqp://b"}),
                AllOf(HasSubstr("URL 1: "), HasSubstr("unsupported scheme 'http'")));
    EXPECT_THAT(parse_error(std::vector<std::string>{"amqp://a", "amqp://b", "amqp://c/?hearbeat=1"}),
                AllOf(HasSubstr("URL 3: "), HasSubstr("did you mean 'heartbeat'?")));
}

// redacted_url --------------------------------------------------------------------------

TEST(redacted_url, of_the_defaults)
{
    EXPECT_EQ(redacted_url(connection_options{}), "amqp://guest:******@localhost:5672/%2F");
}

TEST(redacted_url, hides_the_password_and_encodes_the_parts)
{
    const auto o = parse_ok("amqps://al%40ice:top-secret@[::1]:7000,b/a%2Fb");
    const auto url = redacted_url(o);
    EXPECT_EQ(url, "amqps://al%40ice:******@[::1]:7000,b:5671/a%2Fb");
    EXPECT_THAT(url, Not(HasSubstr("top-secret")));
}

TEST(redacted_url, lists_parameters_that_differ_from_the_defaults)
{
    const auto o = parse_ok(
        "amqp://h/vh?name=my%20app&heartbeat=0&frame_max=0&channel_max=10&timeout=0.5"
        "&connection_attempts=3&retry_delay=1.25&reconnect_interval=0&fail_fast=no"
        "&cafile=%2Fca.pem&capath=c&certfile=d&keyfile=e&no_verify_ssl=yes");
    EXPECT_EQ(redacted_url(o),
              "amqp://guest:******@h:5672/vh?name=my%20app&heartbeat=0&frame_max=0&channel_max=10"
              "&connection_timeout=0.5&connection_attempts=3&retry_delay=1.25&reconnect_interval=0"
              "&fail_fast=false&cafile=%2Fca.pem&capath=c&certfile=d&keyfile=e&no_verify_ssl=true");
}

TEST(redacted_url, omits_parameters_set_to_their_defaults)
{
    EXPECT_EQ(redacted_url(parse_ok("amqp://h/?frame_max=131072&fail_fast=true&timeout=10")),
              "amqp://guest:******@h:5672/%2F");
}

class round_trip : public testing::TestWithParam<std::string> {};

// Parsing the redacted URL gives the same options, but for the password.
TEST_P(round_trip, through_redacted_url)
{
    const auto original = parse_ok(GetParam());
    const auto redacted = redacted_url(original);
    auto reparsed = parse_ok(redacted);
    EXPECT_EQ(reparsed.password, "******") << redacted;
    reparsed.password = original.password;
    EXPECT_EQ(reparsed, original) << redacted;
    EXPECT_EQ(redacted_url(reparsed), redacted);
}

INSTANTIATE_TEST_SUITE_P(redacted_url, round_trip,
                         testing::Values("amqp://", "amqps://", "amqp://u:p@h:1/vh", "amqp://h/%2F", "amqp://h/a%2Fb",
                                         "amqp://h/sp%20ace%26more", "amqp://%C3%A9l%C3%A8ve:p@h", "amqp://us%3Aer:p@h",
                                         "amqps://[::1]:5671,[fe80::1%25eth0],host:9",
                                         "amqp://a,b,c/?heartbeat=7&name=a%2Bb%26c%3Dd",
                                         "amqp://h/?frame_max=4096&channel_max=0&timeout=0.001&retry_delay=0",
                                         "amqp://h/?reconnect_interval=123.456&connection_attempts=4294967295",
                                         "amqps://h/?cafile=%2Fa%20b&capath=x&certfile=y&keyfile=z&no_verify_ssl=1",
                                         "amqp://h/?fail_fast=0&name=%23%3F%2F"));

}  // namespace
}  // namespace amqp::client
