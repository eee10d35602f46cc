// The broker's fault injection API: the rules live in the fault engine of the
// broker's state, touched only on the broker's thread.
#include "broker_impl.hpp"

namespace amqp::fakebroker {

std::uint64_t broker::add_fault(fault_rule rule)
{
    // Checked here so that the exception is thrown on the caller's thread.
    if (auto problem = rule.problem()) throw std::invalid_argument(*problem);
    return impl_->on_broker([&] { return impl_->state->faults().add(std::move(rule)); });
}

bool broker::remove_fault(std::uint64_t id)
{
    return impl_->on_broker([&] { return impl_->state->faults().remove(id); });
}

void broker::clear_faults()
{
    impl_->on_broker([&] {
        impl_->state->faults().clear();
        return 0;
    });
}

std::vector<fault_rule_status> broker::fault_rules() const
{
    return impl_->on_broker([&] { return impl_->state->faults().rules(); });
}

std::vector<fired_fault> broker::fired_faults() const
{
    return impl_->on_broker([&] { return impl_->state->faults().fired(); });
}

bool broker::wait_for_faults(std::size_t count, std::chrono::milliseconds timeout) const
{
    return impl_->wait_until([&] { return impl_->state->faults().fired().size() >= count; }, timeout);
}

void broker::set_chaos(std::optional<chaos_options> chaos)
{
    if (chaos) {
        if (auto problem = chaos->problem()) throw std::invalid_argument(*problem);
    }
    impl_->on_broker([&] {
        if (chaos) impl_->state->seed_names(chaos->seed);
        impl_->state->faults().set_chaos(std::move(chaos));
        return 0;
    });
}

std::optional<chaos_options> broker::chaos() const
{
    return impl_->on_broker([&] { return impl_->state->faults().chaos(); });
}

}  // namespace amqp::fakebroker
