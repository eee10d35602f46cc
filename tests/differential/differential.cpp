#include "differential.hpp"

namespace amqp::differential {

seed_result check(const conversation& c, const target_factory& second, const run_options& options)
{
    seed_result result;
    result.seed = c.seed;
    auto a = make_embedded_target();
    auto b = second();
    result.run = run_pair(c, *a, *b, options);
    std::vector<std::size_t> ended;
    for (const auto& [step, connection] : result.run.ended) ended.push_back(step);
    const comparison_context context = context_of(result.run.sent, result.run.first, result.run.second, ended);
    result.divergences = compare(normalise(result.run.first, result.run.prefix, context),
                                 normalise(result.run.second, result.run.prefix, context));
    for (const divergence& d : result.divergences) {
        if (d.allowed.empty()) ++result.unexplained;
        else if (d.deliberate) ++result.allowed;
        else ++result.known;
    }
    return result;
}

}  // namespace amqp::differential
