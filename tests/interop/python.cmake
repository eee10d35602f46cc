# Interop programs in Python, each a set of named checks against the standalone broker
# (Debian's /usr/bin/python3 with the client library named; fakebroker_process.py starts
# the broker on free ports and stops it with SIGTERM):
#   interop_py_amqp   - python3-amqp (py-amqp), with an application-level reconnect under a fault
#   interop_kombu     - python3-kombu: Producer with confirm_publish, Consumer, SimpleQueue,
#                       connection.ensure and a ConsumerMixin worker under faults
#   interop_aio_pika  - python3-aio-pika: connect_robust, confirms, iterators, RPC patterns
# Each also runs against a real RabbitMQ with --url amqp://... (the fault checks skipped).

foreach(program py_amqp kombu aio_pika)
    add_test(NAME interop_${program}
             COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/${program}_test.py $<TARGET_FILE:fakebroker>)
endforeach()
set_tests_properties(interop_py_amqp interop_kombu interop_aio_pika PROPERTIES
                     TIMEOUT 120
                     LABELS interop)
