#include <amqp/client/connection.hpp>
#include <amqp/client/url.hpp>

#include "channel_state.hpp"
#include "connect.hpp"
#include "connection_state.hpp"

namespace amqp::client {

connection::connection(std::shared_ptr<detail::connection_state> state) : state_(std::move(state)) {}

connection::~connection()
{
    if (state_)
        state_->abort(detail::failure{
            errc::connection_closed,
            std::make_shared<const close_info>(close_info{0, "the connection object was destroyed without close()"}),
            nullptr});
}

connection& connection::operator=(connection&& other) noexcept
{
    if (this != &other) {
        connection dropped(std::move(*this));
        state_ = std::move(other.state_);
    }
    return *this;
}

void connection::start_connect(asio::any_io_executor executor, connection_options options, client::environment env,
                               detail::completion<connection> done)
{
    detail::connect(
        std::move(executor), std::move(options), std::move(env),
        [done = std::move(done)](const detail::failure& f, std::shared_ptr<detail::connection_state> state) mutable {
            done(f, f ? connection{} : connection{std::move(state)});
        });
}

void connection::start_connect_url(asio::any_io_executor executor, const std::string& url, client::environment env,
                                   detail::completion<connection> done)
{
    auto parsed = parse_url(url);
    if (auto* error = std::get_if<url_error>(&parsed)) {
        done(detail::failure{errc::invalid_argument,
                             std::make_shared<const close_info>(close_info{0, "bad AMQP URL: " + error->message}),
                             nullptr},
             connection{});
        return;
    }
    start_connect(std::move(executor), std::get<connection_options>(std::move(parsed)), std::move(env),
                  std::move(done));
}

void connection::start_channel(const std::shared_ptr<detail::connection_state>& state, channel_options options,
                               detail::completion<client::channel> done)
{
    if (!state) {
        done(detail::failure{errc::connection_closed, nullptr, nullptr}, client::channel{});
        return;
    }
    state->open_channel(
        options.publisher_confirms, options.number,
        [done = std::move(done)](const detail::failure& f, std::shared_ptr<detail::channel_state> channel) mutable {
            done(f, f ? client::channel{} : client::channel{std::move(channel)});
        });
}

void connection::start_close(const std::shared_ptr<detail::connection_state>& state, detail::completion<> done)
{
    if (!state) {
        done(detail::failure{});
        return;
    }
    state->close(200, "Normal shutdown", std::move(done));
}

bool connection::is_open() const noexcept { return state_ && state_->is_open(); }

asio::any_io_executor connection::get_executor() const { return state_->executor(); }

const connection_options& connection::options() const { return state_->options(); }

const client::environment& connection::environment() const { return state_->env(); }

connection_tuning connection::tuning() const
{
    const auto& t = state_->negotiated();
    return {t.channel_max, t.frame_max, t.heartbeat};
}

const field_table& connection::server_properties() const { return state_->server_properties(); }

const close_info& connection::close_reason() const { return state_->close_reason(); }

void connection::on_close(std::function<void(const close_info&)> handler)
{
    state_->add_close_handler(std::move(handler));
}

void connection::on_blocked(std::function<void(bool, const std::string&)> handler)
{
    state_->add_blocked_handler(std::move(handler));
}

}  // namespace amqp::client
