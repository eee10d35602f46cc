#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace amqp::fakebroker {

namespace detail {

// Splits a routing or binding key into words the way RabbitMQ does
// (rabbit_db_topic_exchange:split_topic_key): "" is zero words, any other key is
// split at every '.', so "a..b", ".a" and "a." hold empty words.
inline void split_topic_key(std::string_view key, std::vector<std::string_view>& words)
{
    words.clear();
    if (key.empty()) return;
    for (;;) {
        const auto dot = key.find('.');
        words.push_back(key.substr(0, dot));
        if (dot == std::string_view::npos) return;
        key.remove_prefix(dot + 1);
    }
}

struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

template <class T>
concept hashable = requires(const T& v)
{
    {
        std::hash<T>{}(v)
        } -> std::convertible_to<std::size_t>;
};

}  // namespace detail

// Topic-exchange bindings: patterns of '.'-separated words where "*" matches exactly
// one word and "#" matches zero or more, each bound to a value (a queue or exchange
// handle). A trie over words, so routing visits only the branches a key can follow
// and its cost does not grow with the number of bindings that cannot match.
//
// In a routing key "*" and "#" are ordinary words. Values are compared with ==;
// match() order is unspecified.
template <class T>
class topic_trie {
public:
    topic_trie() = default;
    // A moved-from trie is empty.
    topic_trie(topic_trie&& other) noexcept
        : root_(std::move(other.root_)), size_(std::exchange(other.size_, 0)), nodes_(std::exchange(other.nodes_, 0))
    {
        other.root_ = node{};
    }
    topic_trie& operator=(topic_trie&& other) noexcept
    {
        root_ = std::exchange(other.root_, node{});
        size_ = std::exchange(other.size_, 0);
        nodes_ = std::exchange(other.nodes_, 0);
        return *this;
    }

    // Binding the same pattern to the same value again is a no-op, as in RabbitMQ.
    void add(std::string_view pattern, T value)
    {
        std::vector<std::string_view> words;
        detail::split_topic_key(pattern, words);
        node* n = &root_;
        for (auto word : words) n = child_for_insert(*n, word);
        if (std::find(n->values.begin(), n->values.end(), value) != n->values.end()) return;
        n->values.push_back(std::move(value));
        ++size_;
    }

    // Returns false when the pattern was not bound to the value. Nodes left with no
    // values and no children are freed, so memory follows the live bindings.
    bool remove(std::string_view pattern, const T& value)
    {
        std::vector<std::string_view> words;
        detail::split_topic_key(pattern, words);
        std::vector<node*> path{&root_};
        for (auto word : words) {
            node* next = find_child(*path.back(), word);
            if (!next) return false;
            path.push_back(next);
        }
        auto& values = path.back()->values;
        auto it = std::find(values.begin(), values.end(), value);
        if (it == values.end()) return false;
        values.erase(it);
        --size_;
        for (std::size_t i = words.size(); i > 0 && path[i]->empty(); --i) {
            erase_child(*path[i - 1], words[i - 1]);
            --nodes_;
        }
        return true;
    }

    // Appends each value whose pattern matches routing_key, once even when several of
    // its patterns match. Values already in `out` are left alone.
    void match(std::string_view routing_key, std::vector<T>& out) const
    {
        // Per-thread scratch: routing a message allocates nothing once it has grown.
        // Taken rather than borrowed, so a nested call could not clobber it.
        thread_local match_scratch kept;
        match_scratch scratch = std::move(kept);
        match(routing_key, scratch, out);
        kept = std::move(scratch);
    }

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    // Trie nodes besides the root; lets tests check that remove() prunes.
    std::size_t node_count() const noexcept { return nodes_; }

private:
    struct node {
        std::unordered_map<std::string, std::unique_ptr<node>, detail::string_hash, std::equal_to<>> literal;
        std::unique_ptr<node> star;
        std::unique_ptr<node> hash;
        std::vector<T> values;
        bool is_hash = false;  // reached through a "#" edge

        bool empty() const noexcept { return values.empty() && literal.empty() && !star && !hash; }
    };

    struct match_scratch {
        std::vector<std::string_view> words;
        std::vector<const node*> active;
        std::vector<const node*> next;
    };

    void match(std::string_view routing_key, match_scratch& scratch, std::vector<T>& out) const
    {
        auto& words = scratch.words;
        detail::split_topic_key(routing_key, words);

        // A breadth-first walk over the words: `active` holds the distinct nodes that
        // the first i words lead to. Keeping states distinct per position bounds the
        // work by nodes x words, however many "#" a pattern repeats.
        auto& active = scratch.active;
        auto& next = scratch.next;
        active.assign({&root_});
        for (std::size_t i = 0;; ++i) {
            add_zero_word_hashes(active);
            if (i == words.size()) break;
            next.clear();
            for (const node* n : active) {
                if (n->is_hash) next.push_back(n);  // its "#" takes one more word
                if (auto it = n->literal.find(words[i]); it != n->literal.end()) next.push_back(it->second.get());
                if (n->star) next.push_back(n->star.get());
            }
            if (next.empty()) return;
            std::swap(active, next);
        }
        append_values(active, out);
    }

    node* child_for_insert(node& parent, std::string_view word)
    {
        std::unique_ptr<node>* slot = nullptr;
        if (word == "*") {
            slot = &parent.star;
        } else if (word == "#") {
            slot = &parent.hash;
        } else {
            auto it = parent.literal.find(word);
            if (it == parent.literal.end()) it = parent.literal.emplace(std::string(word), nullptr).first;
            slot = &it->second;
        }
        if (!*slot) {
            *slot = std::make_unique<node>();
            (*slot)->is_hash = word == "#";
            ++nodes_;
        }
        return slot->get();
    }

    static node* find_child(node& parent, std::string_view word)
    {
        if (word == "*") return parent.star.get();
        if (word == "#") return parent.hash.get();
        auto it = parent.literal.find(word);
        return it == parent.literal.end() ? nullptr : it->second.get();
    }

    static void erase_child(node& parent, std::string_view word)
    {
        if (word == "*") {
            parent.star.reset();
        } else if (word == "#") {
            parent.hash.reset();
        } else {
            parent.literal.erase(parent.literal.find(word));
        }
    }

    // A "#" may match zero words, so whoever reaches a node also reaches its "#"
    // child, and that child's "#" child ("#.#"), at the same position.
    static void add_zero_word_hashes(std::vector<const node*>& nodes)
    {
        for (std::size_t i = 0; i < nodes.size(); ++i)
            if (nodes[i]->hash) nodes.push_back(nodes[i]->hash.get());
        std::sort(nodes.begin(), nodes.end());
        nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
    }

    static void append_values(const std::vector<const node*>& ends, std::vector<T>& out)
    {
        const node* single = nullptr;
        std::size_t with_values = 0;
        for (const node* n : ends) {
            if (n->values.empty()) continue;
            single = n;
            ++with_values;
        }
        // Values are distinct within a node; only several ends can repeat one.
        if (with_values <= 1) {
            if (single) out.insert(out.end(), single->values.begin(), single->values.end());
            return;
        }
        if constexpr (detail::hashable<T>) {
            std::unordered_set<T> seen;
            for (const node* n : ends)
                for (const T& v : n->values)
                    if (seen.insert(v).second) out.push_back(v);
        } else {
            const auto first = static_cast<std::ptrdiff_t>(out.size());
            for (const node* n : ends)
                for (const T& v : n->values)
                    if (std::find(out.begin() + first, out.end(), v) == out.end()) out.push_back(v);
        }
    }

    node root_;
    std::size_t size_ = 0;
    std::size_t nodes_ = 0;
};

}  // namespace amqp::fakebroker
