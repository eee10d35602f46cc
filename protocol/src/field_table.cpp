#include <amqp/protocol/field_table.hpp>
#include <amqp/protocol/print.hpp>

#include <algorithm>
#include <ostream>

namespace amqp::protocol {

field_table::field_table(std::initializer_list<entry> entries) : entries_(entries) {}

void field_table::set(std::string key, field_value value)
{
    if (field_value* existing = find(key)) {
        *existing = std::move(value);
        return;
    }
    entries_.emplace_back(std::move(key), std::move(value));
}

void field_table::append(std::string key, field_value value)
{
    entries_.emplace_back(std::move(key), std::move(value));
}

const field_value* field_table::find(std::string_view key) const
{
    auto it = std::find_if(entries_.begin(), entries_.end(), [key](const entry& e) { return e.first == key; });
    return it == entries_.end() ? nullptr : &it->second;
}

field_value* field_table::find(std::string_view key)
{
    return const_cast<field_value*>(std::as_const(*this).find(key));
}

bool field_table::erase(std::string_view key)
{
    auto it = std::find_if(entries_.begin(), entries_.end(), [key](const entry& e) { return e.first == key; });
    if (it == entries_.end()) return false;
    entries_.erase(it);
    return true;
}

bool field_table::operator==(const field_table& other) const
{
    // Spelled out rather than defaulted: clang 14 recurses forever instantiating the
    // defaulted comparison through the recursive variant.
    return std::equal(
        entries_.begin(), entries_.end(), other.entries_.begin(), other.entries_.end(),
        [](const entry& a, const entry& b) { return a.first == b.first && a.second.variant() == b.second.variant(); });
}

char field_value::type_letter() const noexcept
{
    // Indexed by the alternative's position in field_variant.
    static constexpr char letters[] = "VtbBsuIilfdDSATFx";
    static_assert(sizeof(letters) - 1 == std::variant_size_v<field_variant>);
    return letters[index()];
}

bool field_value::to_int64(std::int64_t& out) const noexcept
{
    return std::visit(
        [&out](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
                out = static_cast<std::int64_t>(v);
                return true;
            } else {
                return false;
            }
        },
        variant());
}

const std::string* field_value::string() const noexcept
{
    if (const auto* s = get_if<std::string>()) return s;
    if (const auto* b = get_if<byte_array>()) return &b->bytes;
    return nullptr;
}

std::ostream& operator<<(std::ostream& os, const field_value& value)
{
    std::visit(
        [&os](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                os << "void";
            } else if constexpr (std::is_same_v<T, bool>) {
                os << (v ? "true" : "false");
            } else if constexpr (std::is_same_v<T, std::int8_t> || std::is_same_v<T, std::uint8_t>) {
                os << int(v);
            } else if constexpr (std::is_same_v<T, decimal>) {
                os << "decimal(" << unsigned(v.scale) << ", " << v.value << ')';
            } else if constexpr (std::is_same_v<T, std::string>) {
                print_quoted(os, v);
            } else if constexpr (std::is_same_v<T, byte_array>) {
                os << "bytes";
                print_quoted(os, v.bytes);
            } else if constexpr (std::is_same_v<T, timestamp>) {
                os << "timestamp(" << v.time_since_epoch().count() << ')';
            } else {
                os << v;
            }
        },
        value.variant());
    return os << ':' << value.type_letter();
}

std::ostream& operator<<(std::ostream& os, const field_table& table)
{
    os << '{';
    const char* sep = "";
    for (const auto& [key, value] : table) {
        os << sep;
        print_quoted(os, key);
        os << ": " << value;
        sep = ", ";
    }
    return os << '}';
}

std::ostream& operator<<(std::ostream& os, const field_array& array)
{
    os << '[';
    const char* sep = "";
    for (const auto& value : array) {
        os << sep << value;
        sep = ", ";
    }
    return os << ']';
}

}  // namespace amqp::protocol
