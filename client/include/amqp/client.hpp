#pragma once

// The whole client library.
#include <amqp/client/blocking_connection.hpp>
#include <amqp/client/channel.hpp>
#include <amqp/client/connection.hpp>
#include <amqp/client/environment.hpp>
#include <amqp/client/error.hpp>
#include <amqp/client/exchange.hpp>
#include <amqp/client/incoming_message.hpp>
#include <amqp/client/memory_transport.hpp>
#include <amqp/client/message.hpp>
#include <amqp/client/options.hpp>
#include <amqp/client/queue.hpp>
#include <amqp/client/queue_iterator.hpp>
#include <amqp/client/robust_connection.hpp>
#include <amqp/client/rpc_client.hpp>
#include <amqp/client/transaction.hpp>
#include <amqp/client/url.hpp>
#include <amqp/client/use_awaitable.hpp>
