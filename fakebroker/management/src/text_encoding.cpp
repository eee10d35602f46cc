#include "text_encoding.hpp"

#include <array>
#include <cstdint>

namespace amqp::fakebroker {

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_digit(char c) noexcept
{
    const auto at = alphabet.find(c);
    return at == std::string_view::npos ? -1 : int(at);
}

int hex_digit(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string base64_encode(std::string_view bytes)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16 |
                                std::uint32_t(std::uint8_t(bytes[i + 1])) << 8 | std::uint8_t(bytes[i + 2]);
        out += alphabet[n >> 18 & 63];
        out += alphabet[n >> 12 & 63];
        out += alphabet[n >> 6 & 63];
        out += alphabet[n & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
        if (rest == 2) n |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
        out += alphabet[n >> 18 & 63];
        out += alphabet[n >> 12 & 63];
        out += rest == 2 ? alphabet[n >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text)
{
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        // '=' pads only the last group, at most its last two characters.
        std::size_t padding = 0;
        if (i + 4 == text.size() && text[i + 3] == '=') padding = text[i + 2] == '=' ? 2 : 1;
        std::array<int, 4> d{};
        for (std::size_t k = 0; k < 4 - padding; ++k) {
            d[k] = base64_digit(text[i + k]);
            if (d[k] < 0) return std::nullopt;
        }
        const std::uint32_t n =
            std::uint32_t(d[0]) << 18 | std::uint32_t(d[1]) << 12 | std::uint32_t(d[2]) << 6 | std::uint32_t(d[3]);
        out += char(n >> 16 & 0xff);
        if (padding < 2) out += char(n >> 8 & 0xff);
        if (padding < 1) out += char(n & 0xff);
    }
    return out;
}

bool is_valid_utf8(std::string_view bytes) noexcept
{
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto b0 = std::uint8_t(bytes[i]);
        if (b0 < 0x80) {
            ++i;
            continue;
        }
        // The lead byte gives the length, its payload bits and the smallest code point
        // that needs that length (anything smaller is an overlong form).
        std::size_t length = 0;
        std::uint32_t min = 0;
        if ((b0 & 0xe0) == 0xc0) {
            length = 2;
            min = 0x80;
        } else if ((b0 & 0xf0) == 0xe0) {
            length = 3;
            min = 0x800;
        } else if ((b0 & 0xf8) == 0xf0) {
            length = 4;
            min = 0x10000;
        } else {
            return false;
        }
        std::uint32_t code = b0 & (0x7fu >> length);
        if (i + length > bytes.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto b = std::uint8_t(bytes[i + k]);
            if ((b & 0xc0) != 0x80) return false;
            code = code << 6 | (b & 0x3f);
        }
        if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
        i += length;
    }
    return true;
}

std::optional<std::string> percent_decode(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        const int high = hex_digit(text[i + 1]);
        const int low = hex_digit(text[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        out += char(high << 4 | low);
        i += 2;
    }
    return out;
}

}  // namespace amqp::fakebroker
