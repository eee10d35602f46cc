#include <amqp/protocol/command_reader.hpp>

#include <utility>

namespace amqp::protocol {

command_read command_reader::add(const frame_view& frame)
{
    command_assembler& assembler = channels_.try_emplace(frame.channel, max_body_size_).first->second;
    if (auto error = assembler.add(frame)) {
        reset(frame.channel);
        return {nullptr, std::move(error)};
    }
    if (!assembler.complete()) return {};
    return {&assembler.hand_out(), std::nullopt};
}

void command_reader::reset(std::uint16_t channel)
{
    if (auto it = channels_.find(channel); it != channels_.end()) it->second.restart();
}

void command_reader::clear() noexcept
{
    for (auto& [channel, assembler] : channels_) assembler.restart();
}

bool command_reader::idle() const noexcept
{
    for (const auto& [channel, assembler] : channels_) {
        if (!assembler.idle()) return false;
    }
    return true;
}

}  // namespace amqp::protocol
