// Codec throughput: encode and decode of basic.publish and basic.deliver with their
// content header and body frames. Counters: frames/s (items), bytes/s, and heap
// allocations per frame.
#include "allocation_counter.hpp"

#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/methods.hpp>

#include <benchmark/benchmark.h>

#include <string>

namespace {

using namespace amqp::protocol;

constexpr std::uint32_t frame_max = 131072;
constexpr std::size_t frames_per_message = 3;  // method, content header, body

basic_properties typical_properties()
{
    basic_properties p;
    p.content_type = "application/octet-stream";
    p.delivery_mode = 1;
    return p;
}

void report(benchmark::State& state, std::size_t frames, std::size_t bytes, std::size_t allocations)
{
    state.SetItemsProcessed(static_cast<std::int64_t>(frames));
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.counters["allocs_per_frame"] =
        frames == 0 ? 0.0 : static_cast<double>(allocations) / static_cast<double>(frames);
}

template <class Method>
void encode_messages(benchmark::State& state, const Method& m)
{
    const std::string body(static_cast<std::size_t>(state.range(0)), 'x');
    const basic_properties props = typical_properties();
    byte_buffer out(1 << 20);
    std::size_t frames = 0, bytes = 0;
    const std::size_t before = amqp::bench::allocations.load();
    for (auto _ : state) {
        // A batch per buffer, as a connection's write buffer fills between writes.
        out.clear();
        for (int i = 0; i < 64; ++i) encode_message(out, 1, m, props, as_bytes(body), frame_max);
        benchmark::DoNotOptimize(out.data().data());
        frames += 64 * frames_per_message;
        bytes += out.size();
    }
    report(state, frames, bytes, amqp::bench::allocations.load() - before);
}

void BM_encode_publish(benchmark::State& state)
{
    encode_messages(state, basic_publish{0, "amq.direct", "task_queue", false, false});
}

void BM_encode_deliver(benchmark::State& state)
{
    encode_messages(state, basic_deliver{"amq.ctag-4lxGxCj9Rpm2hIjgFUzkPw", 123456, false, "amq.direct", "task_queue"});
}

// Decodes a stream of n messages the way a session does: split frames, decode the
// method and the content header, take the body as a view.
template <class Method>
void decode_messages(benchmark::State& state, const Method& m)
{
    const std::string body(static_cast<std::size_t>(state.range(0)), 'x');
    byte_buffer stream;
    constexpr int messages = 256;
    for (int i = 0; i < messages; ++i) {
        encode_message(stream, 1, m, typical_properties(), as_bytes(body), frame_max);
    }
    std::size_t frames = 0, body_bytes = 0;
    const std::size_t before = amqp::bench::allocations.load();
    for (auto _ : state) {
        auto rest = stream.data();
        while (!rest.empty()) {
            decoded_frame f = decode_frame(rest, frame_max);
            rest = rest.subspan(f.consumed);
            ++frames;
            switch (f.frame->type) {
            case frame_type::method: {
                auto decoded = decode_method(f.frame->payload);
                benchmark::DoNotOptimize(decoded);
                break;
            }
            case frame_type::header: {
                auto header = decode_content_header(f.frame->payload);
                benchmark::DoNotOptimize(header);
                break;
            }
            default: body_bytes += f.frame->payload.size(); benchmark::DoNotOptimize(f.frame->payload.data());
            }
        }
    }
    report(state, frames, state.iterations() * stream.size(), amqp::bench::allocations.load() - before);
    benchmark::DoNotOptimize(body_bytes);
}

void BM_decode_publish(benchmark::State& state)
{
    decode_messages(state, basic_publish{0, "amq.direct", "task_queue", false, false});
}

void BM_decode_deliver(benchmark::State& state)
{
    decode_messages(state, basic_deliver{"amq.ctag-4lxGxCj9Rpm2hIjgFUzkPw", 123456, false, "amq.direct", "task_queue"});
}

// Frame splitting alone: the floor under any decoder.
void BM_split_frames(benchmark::State& state)
{
    const std::string body(static_cast<std::size_t>(state.range(0)), 'x');
    byte_buffer stream;
    for (int i = 0; i < 256; ++i) {
        encode_message(stream, 1, basic_publish{0, "", "q", false, false}, {}, as_bytes(body), frame_max);
    }
    std::size_t frames = 0;
    for (auto _ : state) {
        auto rest = stream.data();
        while (!rest.empty()) {
            decoded_frame f = decode_frame(rest, frame_max);
            benchmark::DoNotOptimize(f.frame->payload.data());
            rest = rest.subspan(f.consumed);
            ++frames;
        }
    }
    report(state, frames, state.iterations() * stream.size(), 0);
}

}  // namespace

BENCHMARK(BM_encode_publish)->Arg(32)->Arg(4096);
BENCHMARK(BM_decode_publish)->Arg(32)->Arg(4096);
BENCHMARK(BM_encode_deliver)->Arg(32)->Arg(4096);
BENCHMARK(BM_decode_deliver)->Arg(32)->Arg(4096);
BENCHMARK(BM_split_frames)->Arg(32)->Arg(4096);

BENCHMARK_MAIN();
