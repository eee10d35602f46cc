#pragma once

#include <algorithm>
#include <string>
#include <vector>

// Number formatting for the benchmarks' summary tables.
namespace amqp::bench {

// 1234567.8 -> "1,234,568".
inline std::string with_commas(double value)
{
    // Built front to back rather than with insert(): g++ 12 -O3 warns (-Wrestrict,
    // falsely) on string::insert here.
    const std::string digits = std::to_string(static_cast<long long>(value + 0.5));
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') out += ',';
        out += digits[i];
    }
    return out;
}

inline double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const std::size_t m = values.size() / 2;
    return values.size() % 2 ? values[m] : (values[m - 1] + values[m]) / 2;
}

}  // namespace amqp::bench
