#include "model/topic_trie.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amqp::fakebroker {
namespace {

std::vector<std::string> routed(const topic_trie<std::string>& trie, std::string_view key)
{
    std::vector<std::string> out;
    trie.match(key, out);
    std::sort(out.begin(), out.end());
    return out;
}

using names = std::vector<std::string>;

// RabbitMQ tutorial 5 ("Topics").
TEST(topic_trie, tutorial_five)
{
    topic_trie<std::string> trie;
    trie.add("*.orange.*", "Q1");
    trie.add("*.*.rabbit", "Q2");
    trie.add("lazy.#", "Q2");

    EXPECT_EQ(routed(trie, "quick.orange.rabbit"), (names{"Q1", "Q2"}));
    EXPECT_EQ(routed(trie, "lazy.orange.elephant"), (names{"Q1", "Q2"}));
    EXPECT_EQ(routed(trie, "quick.orange.fox"), (names{"Q1"}));
    EXPECT_EQ(routed(trie, "lazy.brown.fox"), (names{"Q2"}));
    EXPECT_EQ(routed(trie, "lazy.pink.rabbit"), (names{"Q2"}));  // two patterns, once
    EXPECT_EQ(routed(trie, "quick.brown.fox"), names{});
    EXPECT_EQ(routed(trie, "orange"), names{});
    EXPECT_EQ(routed(trie, "quick.orange.male.rabbit"), names{});
    EXPECT_EQ(routed(trie, "lazy.orange.male.rabbit"), (names{"Q2"}));
}

struct edge_case {
    const char* pattern;
    const char* key;
    bool matches;
};

// Each row binds one pattern alone and routes one key.
constexpr edge_case edge_cases[] = {
    // The empty key is zero words.
    {"#", "", true},
    {"", "", true},
    {"#.#", "", true},
    {"*", "", false},
    {"*.#", "", false},
    {"#.*", "", false},
    {"", "a", false},
    {".", "", false},
    // Empty words are words.
    {"", ".", false},
    {"*", ".", false},
    {"*.*", ".", true},
    {".", ".", true},
    {"a.*", "a.", true},
    {"a", "a.", false},
    {"a.#", "a.", true},
    {"a.", "a.", true},
    {"*.a", ".a", true},
    {"a.*.b", "a..b", true},
    {"a..b", "a..b", true},
    {"a.b", "a..b", false},
    {"a.#.b", "a..b", true},
    {"#", ".", true},
    {"#", "..", true},
    {"*.*.*", "..", true},
    // "#" at the start, middle and end.
    {"#", "a.b.c", true},
    {"#.c", "a.b.c", true},
    {"#.c", "c", true},
    {"#.c", "c.d", false},
    {"a.#", "a", true},
    {"a.#", "ab", false},
    {"a.#.b", "a.b", true},
    {"a.#.b", "a.x.y.b", true},
    {"a.#.b", "a.x.y.c", false},
    {"a.#.b", "a.b.b.b", true},
    {"#.a.#", "x.a.y", true},
    {"#.a.#", "a", true},
    {"#.a.#", "b", false},
    // Runs of wildcards.
    {"#.#", "a", true},
    {"#.#", "a.b.c", true},
    {"*.#", "a", true},
    {"*.#", "a.b", true},
    {"#.*", "a", true},
    {"#.*.#", "a.b", true},
    {"*.*.#", "a", false},
    {"#.*.*", "a.b", true},
    {"#.*.*", "a", false},
    {"#.#.#.#.#", "", true},
    // Wildcards are whole words; in a key they are literal.
    {"a*", "ab", false},
    {"a*", "a*", true},
    {"a#", "a#", true},
    {"*", "#", true},
    {"#", "*", true},
    {"a", "*", false},
    {"a", "#", false},
    {"a.*", "a.#", true},
    {"a.b", "a.*", false},
    // Case and bytes are compared exactly.
    {"A", "a", false},
    {"caf\xc3\xa9", "caf\xc3\xa9", true},
};

TEST(topic_trie, edge_cases)
{
    for (const auto& c : edge_cases) {
        topic_trie<int> trie;
        trie.add(c.pattern, 7);
        std::vector<int> out;
        trie.match(c.key, out);
        EXPECT_EQ(out.size(), c.matches ? 1u : 0u) << "pattern \"" << c.pattern << "\" key \"" << c.key << '"';
    }
}

TEST(topic_trie, a_value_bound_by_several_matching_patterns_is_routed_once)
{
    topic_trie<int> trie;
    for (const char* p : {"a.*", "#", "a.b", "*.b", "#.b", "a.#", "#.#"}) trie.add(p, 1);
    trie.add("a.b", 2);
    std::vector<int> out{1};  // values already present are not deduplicated against
    trie.match("a.b", out);
    std::sort(out.begin() + 1, out.end());
    EXPECT_EQ(out, (std::vector<int>{1, 1, 2}));
}

// A value type with == only: match() cannot hash it.
struct handle {
    int id;
    bool operator==(const handle&) const = default;
};

TEST(topic_trie, values_need_only_equality)
{
    topic_trie<handle> trie;
    trie.add("a.*", handle{1});
    trie.add("#", handle{1});
    trie.add("#", handle{2});
    std::vector<handle> out;
    trie.match("a.b", out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_NE(out[0].id, out[1].id);
}

TEST(topic_trie, adding_twice_stores_once)
{
    topic_trie<int> trie;
    trie.add("a.#", 1);
    trie.add("a.#", 1);
    trie.add("a.#", 2);
    EXPECT_EQ(trie.size(), 2u);
    EXPECT_TRUE(trie.remove("a.#", 1));
    EXPECT_FALSE(trie.remove("a.#", 1));
    EXPECT_EQ(trie.size(), 1u);
}

TEST(topic_trie, remove_prunes_empty_nodes)
{
    topic_trie<int> trie;
    EXPECT_TRUE(trie.empty());
    trie.add("a.b.c", 1);
    trie.add("a.b", 2);
    trie.add("a.*.#", 3);
    trie.add("", 4);
    trie.add("#", 5);
    EXPECT_EQ(trie.size(), 5u);
    EXPECT_EQ(trie.node_count(), 6u);  // a, a.b, a.b.c, a.*, a.*.#, #

    EXPECT_FALSE(trie.remove("a.b.c", 2));
    EXPECT_FALSE(trie.remove("a.b.c.d", 1));
    EXPECT_FALSE(trie.remove("x", 1));
    EXPECT_TRUE(trie.remove("a.b.c", 1));
    EXPECT_EQ(trie.node_count(), 5u);
    EXPECT_TRUE(trie.remove("a.b", 2));  // a stays: a.* hangs off it
    EXPECT_EQ(trie.node_count(), 4u);
    std::vector<int> out;
    trie.match("a.b", out);
    std::sort(out.begin(), out.end());
    EXPECT_EQ(out, (std::vector<int>{3, 5}));

    EXPECT_TRUE(trie.remove("a.*.#", 3));
    EXPECT_TRUE(trie.remove("", 4));
    EXPECT_TRUE(trie.remove("#", 5));
    EXPECT_TRUE(trie.empty());
    EXPECT_EQ(trie.node_count(), 0u);
}

TEST(topic_trie, memory_does_not_grow_with_churn)
{
    topic_trie<int> trie;
    trie.add("keep.#", 0);
    const std::size_t baseline = trie.node_count();
    for (int i = 0; i < 1000; ++i) {
        const std::string pattern = "churn." + std::to_string(i) + ".*.#";
        trie.add(pattern, i);
        ASSERT_TRUE(trie.remove(pattern, i));
    }
    EXPECT_EQ(trie.node_count(), baseline);
    EXPECT_EQ(trie.size(), 1u);
}

// Each "#" could restart at every position; deduplicating states keeps this linear.
TEST(topic_trie, repeated_hashes_against_a_long_key_stay_fast)
{
    topic_trie<int> trie;
    trie.add("#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.z", 1);
    trie.add("#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#", 2);
    std::string key = "w";
    for (int i = 0; i < 120; ++i) key += ".w";
    std::vector<int> out;
    trie.match(key, out);
    EXPECT_EQ(out, std::vector<int>{2});
}

// Routing must not scan bindings that cannot match: as a scan this test would make
// 400 million pattern checks; the trie makes a few lookups per key.
TEST(topic_trie, many_non_matching_bindings)
{
    topic_trie<int> trie;
    for (int i = 0; i < 20000; ++i) trie.add("user." + std::to_string(i) + ".#", i);
    for (int n = 0; n < 20000; ++n) {
        std::vector<int> out;
        trie.match("user.12345.login", out);
        ASSERT_EQ(out, std::vector<int>{12345});
    }
}

TEST(topic_trie, can_be_moved)
{
    topic_trie<int> a;
    a.add("x.*", 1);
    topic_trie<int> b = std::move(a);
    std::vector<int> out;
    b.match("x.y", out);
    EXPECT_EQ(out, std::vector<int>{1});
    EXPECT_EQ(b.size(), 1u);
    EXPECT_TRUE(a.empty());  // a moved-from trie is empty
    EXPECT_EQ(a.node_count(), 0u);

    a = std::move(b);
    out.clear();
    a.match("x.y", out);
    EXPECT_EQ(out, std::vector<int>{1});
    EXPECT_TRUE(b.empty());
    b.add("x.y", 2);  // still usable
    out.clear();
    b.match("x.y", out);
    EXPECT_EQ(out, std::vector<int>{2});
}

// --- Cross-check against a direct reading of the rules ---

std::vector<std::string> reference_split(const std::string& key)
{
    std::vector<std::string> words;
    if (key.empty()) return words;
    std::string word;
    for (char c : key) {
        if (c == '.') {
            words.push_back(word);
            word.clear();
        } else {
            word += c;
        }
    }
    words.push_back(word);
    return words;
}

bool reference_match(const std::vector<std::string>& pattern, std::size_t p, const std::vector<std::string>& key,
                     std::size_t k)
{
    if (p == pattern.size()) return k == key.size();
    if (pattern[p] == "#") {
        for (std::size_t skip = k; skip <= key.size(); ++skip)
            if (reference_match(pattern, p + 1, key, skip)) return true;
        return false;
    }
    if (k == key.size()) return false;
    return (pattern[p] == "*" || pattern[p] == key[k]) && reference_match(pattern, p + 1, key, k + 1);
}

std::string random_key(std::mt19937& rng, const std::vector<std::string>& alphabet, int max_words)
{
    const int n = std::uniform_int_distribution<int>(0, max_words)(rng);
    std::string key;
    for (int i = 0; i < n; ++i) {
        if (i > 0) key += '.';
        key += alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
    }
    return key;
}

TEST(topic_trie, agrees_with_a_reference_matcher)
{
    std::mt19937 rng(20240521);
    const std::vector<std::string> pattern_words{"a", "b", "", "*", "#", "#", "*"};
    const std::vector<std::string> key_words{"a", "b", "", "c", "*", "#"};

    std::vector<std::pair<std::string, int>> bindings;
    topic_trie<int> trie;
    for (int i = 0; i < 400; ++i) {
        const std::string pattern = random_key(rng, pattern_words, 6);
        const int value = std::uniform_int_distribution<int>(0, 60)(rng);
        if (std::find(bindings.begin(), bindings.end(), std::pair{pattern, value}) == bindings.end())
            bindings.emplace_back(pattern, value);
        trie.add(pattern, value);
    }
    ASSERT_EQ(trie.size(), bindings.size());

    std::vector<std::vector<std::string>> split_patterns;
    auto check = [&](int rounds) {
        split_patterns.clear();
        for (const auto& binding : bindings) split_patterns.push_back(reference_split(binding.first));
        for (int r = 0; r < rounds; ++r) {
            const std::string key = random_key(rng, key_words, 7);
            const auto key_split = reference_split(key);
            std::vector<int> expected;
            for (std::size_t i = 0; i < bindings.size(); ++i)
                if (reference_match(split_patterns[i], 0, key_split, 0)) expected.push_back(bindings[i].second);
            std::sort(expected.begin(), expected.end());
            expected.erase(std::unique(expected.begin(), expected.end()), expected.end());

            std::vector<int> got;
            trie.match(key, got);
            std::sort(got.begin(), got.end());
            ASSERT_EQ(got, expected) << "key \"" << key << '"';
        }
    };
    check(2000);

    // Remove every other binding and check again, then remove the rest.
    std::vector<std::pair<std::string, int>> kept;
    for (std::size_t i = 0; i < bindings.size(); ++i) {
        if (i % 2 == 0) {
            ASSERT_TRUE(trie.remove(bindings[i].first, bindings[i].second));
        } else {
            kept.push_back(bindings[i]);
        }
    }
    bindings = kept;
    ASSERT_EQ(trie.size(), bindings.size());
    check(2000);

    for (const auto& [pattern, value] : bindings) ASSERT_TRUE(trie.remove(pattern, value));
    EXPECT_TRUE(trie.empty());
    EXPECT_EQ(trie.node_count(), 0u);
}

}  // namespace
}  // namespace amqp::fakebroker
