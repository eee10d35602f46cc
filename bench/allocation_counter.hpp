#pragma once

#include <atomic>
#include <cstddef>

// Counts heap allocations made through the global operator new, so benchmarks can
// report allocations per frame. Include in exactly one translation unit per binary.
namespace amqp::bench {
inline std::atomic<std::size_t> allocations{0};
}

void* operator new(std::size_t size);
void operator delete(void* p) noexcept;
void operator delete(void* p, std::size_t) noexcept;
