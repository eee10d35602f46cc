# Interop test: Node's amqplib (the version pinned in package-lock.json, installed by
# run.sh with `npm ci` when node_modules is missing) against the standalone fakebroker,
# which the program starts on free ports and stops with SIGTERM.
#   interop_node_amqplib - confirms and acks, channel errors, close with publishes
#                          buffered, exclusive and server-named queues, topic and headers
#                          routing, unbind after delete, "localhost" and "[::1]", and
#                          reconnecting (a hand-written loop and amqplib's own recovery)
#                          through faults posted to /api/faults
# The same program against RabbitMQ: tests/interop/node/run.sh --url amqp://guest:guest@127.0.0.1:5672/
# Include this file from a CMakeLists.txt where the fakebroker target is known.

find_program(AMQP_NODE_EXECUTABLE node)
find_program(AMQP_NPM_EXECUTABLE npm)
if(AMQP_NODE_EXECUTABLE AND AMQP_NPM_EXECUTABLE)
  add_test(NAME interop_node_amqplib
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/run.sh $<TARGET_FILE:fakebroker>)
  set_tests_properties(interop_node_amqplib PROPERTIES
                       TIMEOUT 120
                       LABELS interop)
else()
  message(STATUS "node or npm not found: interop_node_amqplib not registered")
endif()
