# Interop tests: the standalone fakebroker driven by third-party AMQP clients.
#   interop_pika        - Python pika 1.2 (Debian's /usr/bin/python3 with python3-pika)
#   interop_amqp_tools  - the rabbitmq-c command line tools (Debian's amqp-tools)
#   interop_aio_pika_robust - python3-aio-pika's connect_robust recovering from faults
#                         injected through the HTTP API
# Each test starts its own broker on a free port and stops it with SIGTERM.
# Include this file from a CMakeLists.txt where the fakebroker target is known.

add_test(NAME interop_pika
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/pika_test.py $<TARGET_FILE:fakebroker>)
add_test(NAME interop_amqp_tools
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/amqp_tools_test.sh $<TARGET_FILE:fakebroker>)
add_test(NAME interop_aio_pika_robust
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/aio_pika_robust_test.py $<TARGET_FILE:fakebroker>)
set_tests_properties(interop_pika interop_amqp_tools interop_aio_pika_robust PROPERTIES
                     TIMEOUT 120
                     LABELS interop)
