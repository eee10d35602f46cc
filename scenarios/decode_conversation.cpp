// Prints a captured AMQP conversation as a readable protocol trace.
//
//   decode_conversation FILE.hex
//
// FILE holds one frame per line in hex, each prefixed "C " (client to server) or
// "S " (server to client); '#' lines are comments. The repository ships one captured
// from RabbitMQ and pika in tests/unit/golden/conversation.hex.
#include <amqp/protocol/command_reader.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/print.hpp>

#include <fstream>
#include <iostream>
#include <string>
#include <utility>

namespace {

using namespace amqp::protocol;

std::string decode_hex(const std::string& text)
{
    std::string out;
    int high = -1;
    for (char c : text) {
        const int nibble = c >= '0' && c <= '9'   ? c - '0'
                           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;
        if (nibble < 0) continue;
        if (high < 0) {
            high = nibble;
        } else {
            out += char(high << 4 | nibble);
            high = -1;
        }
    }
    return out;
}

// One direction of the connection: its byte stream and its commands.
struct peer {
    explicit peer(const char* a) : arrow(a) {}

    const char* arrow;
    frame_reader reader{0};
    command_reader commands;
    bool header_seen = false;
};

bool print_frames(peer& from)
{
    for (decoded_frame f = from.reader.next(); !f.need_more(); f = from.reader.next()) {
        if (f.error) {
            std::cout << from.arrow << " error: " << *f.error << '\n';
            return false;
        }
        if (f.frame->type == frame_type::heartbeat) {
            std::cout << from.arrow << " heartbeat\n";
            continue;
        }
        const command_read read = from.commands.add(*f.frame);
        if (read.error) {
            std::cout << from.arrow << " ch" << f.frame->channel << " error: " << *read.error << '\n';
            return false;
        }
        if (!read.command) continue;
        const command& c = *read.command;
        std::cout << from.arrow << " ch" << f.frame->channel << ' ' << c.method << '\n';
        if (c.header) {
            std::cout << "        properties " << c.header->properties << '\n'
                      << "        body (" << c.body.size() << " bytes) ";
            print_quoted(std::cout, c.body.substr(0, 200));
            std::cout << '\n';
        }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: " << argv[0] << " CONVERSATION.hex\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    if (!in) {
        std::cerr << "cannot open " << argv[1] << '\n';
        return 1;
    }
    peer client("C ->");
    peer server("S <-");
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() < 2 || line[0] == '#') continue;
        peer& from = line[0] == 'C' ? client : server;
        std::string bytes = decode_hex(line.substr(2));
        if (!from.header_seen && &from == &client) {
            from.header_seen = true;
            const auto check = check_protocol_header(as_bytes(bytes));
            if (check == header_check::match) {
                std::cout << "C -> protocol header AMQP 0-9-1\n";
                bytes.erase(0, protocol_header.size());
            } else {
                std::cout << "C -> not an AMQP 0-9-1 protocol header\n";
                return 1;
            }
        }
        from.reader.feed(as_bytes(bytes));
        if (!print_frames(from)) return 1;
    }
    return 0;
}
