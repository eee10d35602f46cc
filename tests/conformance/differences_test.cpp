// The deliberate differences from RabbitMQ (docs/differences.md) that a client sees.
#include "conformance_fixture.hpp"
