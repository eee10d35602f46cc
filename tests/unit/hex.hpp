#pragma once

#include <cstddef>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::test {

inline std::vector<std::byte> from_hex(std::string_view hex)
{
    std::vector<std::byte> out;
    int high = -1;
    for (char c : hex) {
        int nibble;
        if (c >= '0' && c <= '9') nibble = c - '0';
        else if (c >= 'a' && c <= 'f') nibble = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') nibble = c - 'A' + 10;
        else continue;
        if (high < 0) {
            high = nibble;
        } else {
            out.push_back(std::byte(high << 4 | nibble));
            high = -1;
        }
    }
    if (high >= 0) throw std::invalid_argument("odd number of hex digits");
    return out;
}

inline std::string to_hex(std::span<const std::byte> bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::byte b : bytes) {
        out += digits[std::to_integer<int>(b) >> 4];
        out += digits[std::to_integer<int>(b) & 0xf];
    }
    return out;
}

// One line of a fixture file: an optional direction ("C" or "S") and the bytes.
struct fixture_line {
    char direction = 0;
    std::vector<std::byte> bytes;
};

// Reads a .hex fixture: '#' lines are comments, each other line is one frame in hex,
// optionally prefixed by "C " (client to server) or "S " (server to client).
inline std::vector<fixture_line> read_fixture(const std::string& path)
{
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open fixture " + path);
    std::vector<fixture_line> lines;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        fixture_line parsed;
        if (line.size() > 2 && (line[0] == 'C' || line[0] == 'S') && line[1] == ' ') {
            parsed.direction = line[0];
            line.erase(0, 2);
        }
        parsed.bytes = from_hex(line);
        if (!parsed.bytes.empty()) lines.push_back(std::move(parsed));
    }
    return lines;
}

}  // namespace amqp::test
