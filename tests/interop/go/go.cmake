# Interop tests: Go's rabbitmq/amqp091-go (Debian's golang-go and
# golang-github-rabbitmq-amqp091-go-dev, built in GOPATH mode by run.sh) against the
# standalone fakebroker.
#   interop_go_amqp091 - confirms and manual acks, channel errors, closing with
#                        publishes in flight, server-named and exclusive queues, topic
#                        and headers routing, cleanup after deletes, localhost and [::1],
#                        and a NotifyClose reconnect loop under faults posted to /api/faults
# The program starts its own broker on free ports and stops it with SIGTERM; with
# --url it runs the behavioural checks against a real RabbitMQ instead
# (tests/interop/go/run.sh --url amqp://guest:guest@127.0.0.1:5672/).
# Include this file from a CMakeLists.txt where the fakebroker target is known.

add_test(NAME interop_go_amqp091
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run.sh $<TARGET_FILE:fakebroker>)
set_tests_properties(interop_go_amqp091 PROPERTIES
                     TIMEOUT 120
                     LABELS interop)
