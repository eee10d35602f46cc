#include "channel_table.hpp"

namespace amqp::fakebroker {

namespace proto = amqp::protocol;
using proto::reply_code;

namespace {

// Whether m names its queue "" for the channel's most recently declared queue.
bool uses_last_queue_shortcut(const proto::method& m)
{
    if (const auto* get = std::get_if<proto::basic_get>(&m)) return get->queue.empty();
    if (const auto* consume = std::get_if<proto::basic_consume>(&m)) return consume->queue.empty();
    if (const auto* purge = std::get_if<proto::queue_purge>(&m)) return purge->queue.empty();
    if (const auto* del = std::get_if<proto::queue_delete>(&m)) return del->queue.empty();
    if (const auto* bind = std::get_if<proto::queue_bind>(&m)) return bind->queue.empty();
    if (const auto* unbind = std::get_if<proto::queue_unbind>(&m)) return unbind->queue.empty();
    return false;
}

}  // namespace

channel_table::~channel_table() = default;

channel_table::step channel_table::on_command(std::uint16_t number, const proto::method& m, std::uint16_t channel_max)
{
    step s;
    const bool is_open = std::holds_alternative<proto::channel_open>(m);
    const bool is_close = std::holds_alternative<proto::channel_close>(m);
    const bool is_close_ok = std::holds_alternative<proto::channel_close_ok>(m);
    if (closing(number)) {
        // After the broker sent channel.close, only close and close-ok matter. A
        // client's close crossing ours is answered, and the channel still waits for the
        // close-ok to ours, as RabbitMQ's does.
        if (is_close_ok) closing_.erase(number);
        else if (is_close) s.close_ok = true;
        return s;
    }
    const auto it = channels_.find(number);
    if (it == channels_.end()) {
        const proto::method_key key = proto::key_of(m);
        if (is_open && channels_.size() >= channel_max) {
            s.failure = error{reply_code::not_allowed,
                              "number of channels opened (" + std::to_string(channels_.size()) +
                                  ") has reached the negotiated channel_max (" + std::to_string(channel_max) + ")"};
        } else if (is_open) {
            channels_.emplace(number, std::make_unique<server_channel>(connection_, number));
            s.open_ok = true;
        } else if (uses_last_queue_shortcut(m)) {
            // RabbitMQ's new channel expands the shortcut before it checks that it was
            // opened, and a channel that never declared a queue has none to expand to.
            s.failure = error{reply_code::not_found, "no previously declared queue", key.class_id, key.method_id};
        } else {
            s.failure = error{reply_code::channel_error, "expected 'channel.open'", key.class_id, key.method_id};
        }
        return s;
    }
    if (is_open) {
        s.failure = error{reply_code::channel_error, "second 'channel.open' seen", 20, 10};
    } else if (is_close) {
        close_channel(number);
        s.closed = s.close_ok = true;
    } else if (!is_close_ok) {
        s.handler = it->second.get();
    }
    return s;
}

server_channel* channel_table::find(std::uint16_t number) const
{
    const auto it = channels_.find(number);
    return it == channels_.end() ? nullptr : it->second.get();
}

void channel_table::close_channel(std::uint16_t number)
{
    // The channel is still in the table while it shuts down, as it was while open.
    if (auto it = channels_.find(number); it != channels_.end()) {
        it->second->shutdown();
        channels_.erase(it);
    }
}

void channel_table::close_by_broker(std::uint16_t number)
{
    close_channel(number);
    closing_.insert(number);
}

void channel_table::close_all()
{
    for (auto& [number, channel] : channels_) channel->remove_consumers();
    for (auto& [number, channel] : channels_) channel->shutdown();
    channels_.clear();
}

std::vector<unacked_since> channel_table::oldest_unacked() const
{
    std::vector<unacked_since> out;
    for (const auto& [number, channel] : channels_) {
        if (const auto since = channel->oldest_unacked()) out.push_back({number, *since});
    }
    return out;
}

void channel_table::cancel_consumer(std::uint16_t number, std::string_view tag)
{
    if (number != 0) {
        if (server_channel* channel = find(number)) channel->cancel_consumer_by_broker(tag);
        return;
    }
    for (auto& [n, channel] : channels_) {
        if (channel->cancel_consumer_by_broker(tag)) return;
    }
}

std::vector<channel_info> channel_table::infos(const std::string& connection_name) const
{
    std::vector<channel_info> out;
    for (const auto& [number, channel] : channels_) {
        out.push_back(channel->info());
        out.back().connection = connection_name;
    }
    return out;
}

}  // namespace amqp::fakebroker
