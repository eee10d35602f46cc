#include "queue.hpp"

#include "erlang_terms.hpp"
#include "unacked_deliveries.hpp"
#include "vhost.hpp"

#include <algorithm>

namespace amqp::fakebroker {

namespace {

using protocol::field_value;

std::optional<std::string> non_negative_int(const protocol::field_table& args, const char* key,
                                            const std::string& queue, const std::string& vhost,
                                            std::optional<std::int64_t>& out, bool positive = false)
{
    const field_value* v = args.find(key);
    if (!v) return std::nullopt;
    std::int64_t n;
    if (!v->to_int64(n)) {
        return invalid_arg(key, queue, vhost, wrong_type("integer", *v));
    }
    if (n < 0 || (positive && n == 0)) {
        return invalid_arg(key, queue, vhost,
                           std::string(n == 0 ? "{value_zero," : "{value_negative,") + std::to_string(n) + "}");
    }
    out = n;
    return std::nullopt;
}

}  // namespace

std::optional<std::string> queue_arguments::parse(const protocol::field_table& args, const std::string& queue,
                                                  const std::string& vhost, queue_arguments& out)
{
    // In RabbitMQ 3.10's order, which decides the text when several are wrong: the
    // queue type, then rabbit_amqqueue's declare_args, then the arguments the type
    // does not support.
    if (const field_value* v = args.find("x-queue-type")) {
        const std::string* s = v->string();
        if (!s) return invalid_arg("x-queue-type", queue, vhost, unacceptable_type(*v));
        if (*s == "stream") {
            // Streams (offsets, non-destructive reads) are not modelled; say so rather than pretend.
            return invalid_arg("x-queue-type", queue, vhost, "stream queues are not supported by this broker");
        }
        if (*s != "classic" && *s != "quorum") {
            return invalid_arg("x-queue-type", queue, vhost, "\"unsupported queue type '" + *s + "'\"");
        }
        out.quorum = *s == "quorum";
    }
    if (auto e = non_negative_int(args, "x-expires", queue, vhost, out.expires_ms, true)) return e;
    if (auto e = non_negative_int(args, "x-message-ttl", queue, vhost, out.message_ttl_ms)) return e;
    // x-dead-letter-exchange's type is checked by the channel before (server_channel::queue_declare).
    if (const field_value* v = args.find("x-dead-letter-exchange")) {
        if (const std::string* s = v->string()) out.dead_letter_exchange = *s;
    }
    if (const field_value* v = args.find("x-dead-letter-routing-key")) {
        const std::string* s = v->string();
        if (!s) return invalid_arg("x-dead-letter-routing-key", queue, vhost, unacceptable_type(*v));
        if (!args.find("x-dead-letter-exchange")) {
            return invalid_arg("x-dead-letter-routing-key", queue, vhost, "routing_key_but_no_dlx_defined");
        }
        out.dead_letter_routing_key = *s;
    }
    if (auto e = non_negative_int(args, "x-max-length", queue, vhost, out.max_length)) return e;
    if (auto e = non_negative_int(args, "x-max-length-bytes", queue, vhost, out.max_length_bytes)) {
        return e;
    }
    std::optional<std::int64_t> priority;
    if (auto e = non_negative_int(args, "x-max-priority", queue, vhost, priority)) return e;
    if (priority) {
        if (*priority > 255) {
            return invalid_arg("x-max-priority", queue, vhost,
                               "{max_value_exceeded," + std::to_string(*priority) + "}");
        }
        out.max_priority = static_cast<std::uint8_t>(*priority);
    }
    if (const field_value* v = args.find("x-overflow")) {
        const std::string* s = v->string();
        if (!s) return invalid_arg("x-overflow", queue, vhost, unacceptable_type(*v));
        if (*s != "drop-head" && *s != "reject-publish" && *s != "reject-publish-dlx") {
            return invalid_arg("x-overflow", queue, vhost, "invalid_overflow");
        }
        out.reject_publish = *s != "drop-head";
    }
    // Lazy mode is accepted and makes no difference here.
    if (const field_value* v = args.find("x-queue-mode")) {
        const std::string* s = v->string();
        if (!s) return invalid_arg("x-queue-mode", queue, vhost, unacceptable_type(*v));
        if (*s != "default" && *s != "lazy") {
            return invalid_arg("x-queue-mode", queue, vhost, "\"unsupported queue mode '" + *s + "'\"");
        }
    }
    std::optional<std::int64_t> version;
    if (auto e = non_negative_int(args, "x-queue-version", queue, vhost, version)) return e;
    if (version && *version != 1 && *version != 2) {
        return invalid_arg("x-queue-version", queue, vhost,
                           "\"unsupported queue version '" + std::to_string(*version) + "'\"");
    }
    if (const field_value* v = args.find("x-single-active-consumer")) {
        const bool* b = v->get_if<bool>();
        if (!b) return invalid_arg("x-single-active-consumer", queue, vhost, unacceptable_type(*v));
        out.single_active_consumer = *b;
    }
    if (!out.quorum) {
        for (const char* key : {"x-max-in-memory-length", "x-max-in-memory-bytes", "x-delivery-limit", "x-max-age",
                                "x-stream-max-segment-size-bytes", "x-initial-cluster-size", "x-queue-leader-locator",
                                "x-quorum-initial-group-size"}) {
            if (args.find(key)) {
                return std::string("invalid arg '") + key + "' for queue '" + queue + "' in vhost '" + vhost +
                       "' of queue type rabbit_classic_queue";
            }
        }
    }
    // RabbitMQ ignores a delivery limit that is not a non-negative integer.
    std::int64_t limit;
    if (const field_value* v = args.find("x-delivery-limit"); v && v->to_int64(limit) && limit >= 0) {
        out.delivery_limit = limit;
    }
    return std::nullopt;
}

std::size_t queue::quorum_holders_without_consumer() const
{
    std::size_t n = 0;
    for (const auto& entry : quorum_holders_) {
        // (channel, consumer id), copied: clang 14 cannot capture a structured binding.
        const auto holder = entry.first;
        const bool active =
            holder.second != 0 && std::any_of(consumers_.begin(), consumers_.end(), [holder](const consumer* c) {
                return c->channel == holder.first && c->id == holder.second;
            });
        if (!active) ++n;
    }
    return n;
}

message_ref with_delivery_count(const message_content& content, std::uint64_t returns)
{
    protocol::basic_properties p = content.properties();
    if (!p.headers) p.headers.emplace();
    p.headers->set("x-delivery-count", static_cast<std::int64_t>(returns));
    return message_content::make(content.exchange(), content.routing_key(), p, content.body());
}

queue::queue(vhost& owner, std::string name, bool durable, bool exclusive, bool auto_delete,
             protocol::field_table arguments, queue_arguments parsed, std::uint64_t exclusive_owner)
    : vhost_(owner),
      name_(std::move(name)),
      durable_(durable),
      exclusive_(exclusive),
      auto_delete_(auto_delete),
      arguments_(std::move(arguments)),
      limits_(std::move(parsed)),
      exclusive_owner_(exclusive_owner),
      levels_(std::size_t(limits_.max_priority) + 1)
{}

queue_info queue::info() const
{
    queue_info i;
    i.vhost = vhost_.name();
    i.name = name_;
    i.durable = durable_;
    i.exclusive = exclusive_;
    i.auto_delete = auto_delete_;
    i.type = limits_.quorum ? "quorum" : "classic";
    i.arguments = arguments_;
    i.ready = ready_count_;
    i.unacked = unacked_;
    i.consumers = consumers_.size();
    i.ready_bytes = ready_bytes_;
    return i;
}

std::vector<message_info> queue::peek(std::size_t max) const
{
    std::vector<message_info> out;
    for (auto level = levels_.rbegin(); level != levels_.rend() && out.size() < max; ++level) {
        for (const queued_message& m : *level) {
            if (out.size() >= max) break;
            out.push_back({std::string(m.content->exchange()), std::string(m.content->routing_key()),
                           m.content->properties(), std::string(m.content->body()), m.redelivered != 0});
        }
    }
    return out;
}

std::deque<queued_message>& queue::level_for(const message_content& content)
{
    if (levels_.size() == 1) return levels_[0];
    const std::size_t priority = content.priority();
    return levels_[std::min(priority, levels_.size() - 1)];
}

enqueue_result queue::enqueue(message_ref content, clock::time_point now)
{
    const std::size_t size = content->body().size();
    const bool over_length = limits_.max_length && ready_count_ + 1 > std::size_t(*limits_.max_length);
    const bool over_bytes = limits_.max_length_bytes && ready_bytes_ + size > std::uint64_t(*limits_.max_length_bytes);
    if ((over_length || over_bytes) && limits_.reject_publish) return enqueue_result::rejected;

    queued_message m;
    m.sequence = next_sequence_++;
    // The earlier of the queue's TTL and the message's own expiration.
    std::optional<std::int64_t> ttl = limits_.message_ttl_ms;
    if (auto own = content->ttl_ms()) ttl = ttl ? std::min(*ttl, *own) : *own;
    if (ttl) m.expires_at = now + std::chrono::milliseconds(*ttl);
    m.content = std::move(content);

    level_for(*m.content).push_back(std::move(m));
    ++ready_count_;
    ready_bytes_ += size;
    drop_head_for_overflow(now);
    return enqueue_result::accepted;
}

void queue::drop_head_for_overflow(clock::time_point now)
{
    while (!empty() && ((limits_.max_length && ready_count_ > std::size_t(*limits_.max_length)) ||
                        (limits_.max_length_bytes && ready_bytes_ > std::uint64_t(*limits_.max_length_bytes)))) {
        queued_message dropped = pop_front();
        dead_letter(dropped, "maxlen", now);
    }
}

queued_message queue::pop_front()
{
    auto level = std::find_if(levels_.rbegin(), levels_.rend(), [](const auto& l) { return !l.empty(); });
    queued_message m = std::move(level->front());
    level->pop_front();
    --ready_count_;
    ready_bytes_ -= m.body_size();
    return m;
}

std::optional<queued_message> queue::take(clock::time_point now)
{
    expire(now);
    touch(now);
    if (empty()) return std::nullopt;
    return pop_front();
}

void queue::requeue(queued_message message, clock::time_point now)
{
    if (deleted_) return;
    message.redelivered = true;
    if (limits_.quorum) {
        if (message.returns < 0xffff) ++message.returns;
        if (limits_.delivery_limit && message.returns > *limits_.delivery_limit) {
            dead_letter(message, "delivery_limit", now);
            return;
        }
    }
    auto& level = level_for(*message.content);
    auto at = std::upper_bound(level.begin(), level.end(), message.sequence,
                               [](std::uint64_t s, const queued_message& m) { return s < m.sequence; });
    ready_bytes_ += message.body_size();
    ++ready_count_;
    level.insert(at, std::move(message));
}

std::size_t queue::purge()
{
    const std::size_t n = ready_count_;
    for (auto& level : levels_) level.clear();
    ready_count_ = 0;
    ready_bytes_ = 0;
    return n;
}

void queue::add_consumer(consumer* c)
{
    consumers_.push_back(c);
    if (c->priority != 0) ++prioritised_consumers_;
}

void queue::remove_consumer(const consumer* c)
{
    auto it = std::find(consumers_.begin(), consumers_.end(), c);
    if (it == consumers_.end()) return;
    if (c->priority != 0) --prioritised_consumers_;
    const auto index = std::size_t(it - consumers_.begin());
    consumers_.erase(it);
    if (next_consumer_ > index) --next_consumer_;
    if (next_consumer_ >= consumers_.size()) next_consumer_ = 0;
}

bool consumer::has_room() const noexcept
{
    if (no_ack) return true;
    if (prefetch != 0 && unacked >= prefetch) return false;
    return credit->has_room();
}

std::optional<delivery> queue::next_delivery(clock::time_point now)
{
    if (deleted_ || consumers_.empty() || empty()) return std::nullopt;
    consumer* chosen = pick_consumer();
    if (!chosen) return std::nullopt;
    touch(now);
    return delivery{chosen, pop_front()};
}

// With single active consumer, only the first consumer ever receives. Otherwise round
// robin among the consumers with room for a message, those with the highest
// x-priority first: a lower one gets a message only when all higher ones are full.
consumer* queue::pick_consumer()
{
    if (limits_.single_active_consumer) {
        consumer* first = consumers_.front();
        return first->has_room() ? first : nullptr;
    }
    consumer* chosen = nullptr;
    std::size_t chosen_index = 0;
    for (std::size_t tried = 0; tried < consumers_.size(); ++tried) {
        const std::size_t index = (next_consumer_ + tried) % consumers_.size();
        consumer* c = consumers_[index];
        if (chosen && c->priority <= chosen->priority) continue;
        if (!c->has_room()) continue;
        chosen = c;
        chosen_index = index;
        if (prioritised_consumers_ == 0) break;  // all equal: the first with room
    }
    if (chosen) next_consumer_ = (chosen_index + 1) % consumers_.size();
    return chosen;
}

void queue::dead_letter(const queued_message& message, const char* reason, clock::time_point now)
{
    if (limits_.dead_letter_exchange) vhost_.dead_letter(*this, message, reason, now);
}

std::optional<clock::time_point> queue::expire(clock::time_point now, bool inclusive)
{
    // Like RabbitMQ, only messages at the head expire; one with a longer per-message
    // TTL in front shields those behind it.
    for (auto level = levels_.rbegin(); level != levels_.rend(); ++level) {
        auto due = [&](const queued_message& m) {
            return m.expires() && (inclusive ? m.expires_at <= now : m.expires_at < now);
        };
        while (!level->empty() && due(level->front())) {
            queued_message m = std::move(level->front());
            level->pop_front();
            --ready_count_;
            ready_bytes_ -= m.body_size();
            dead_letter(m, "expired", now);
        }
    }
    std::optional<clock::time_point> next;
    for (const auto& level : levels_) {
        if (!level.empty() && level.front().expires()) {
            next = next ? std::min(*next, level.front().expires_at) : level.front().expires_at;
        }
    }
    return next;
}

std::optional<clock::time_point> queue::expires_at() const
{
    if (!limits_.expires_ms || !consumers_.empty()) return std::nullopt;
    return last_used_ + std::chrono::milliseconds(*limits_.expires_ms);
}

void queue::restart()
{
    // A quorum queue keeps every message: its log does not look at delivery_mode.
    for (auto& level : levels_) {
        std::erase_if(level, [this](const queued_message& m) { return !limits_.quorum && !m.content->persistent(); });
    }
    ready_count_ = 0;
    ready_bytes_ = 0;
    for (const auto& level : levels_) {
        for (const auto& m : level) {
            ++ready_count_;
            ready_bytes_ += m.body_size();
        }
    }
    unacked_ = 0;
    consumers_.clear();
    next_consumer_ = 0;
    prioritised_consumers_ = 0;
}

std::vector<consumer*> queue::mark_deleted()
{
    deleted_ = true;
    std::vector<consumer*> cancelled = std::exchange(consumers_, {});
    std::sort(cancelled.begin(), cancelled.end(), [](const consumer* a, const consumer* b) { return a->tag < b->tag; });
    next_consumer_ = 0;
    prioritised_consumers_ = 0;
    purge();
    return cancelled;
}

}  // namespace amqp::fakebroker
