# The standalone broker's management HTTP API, driven with urllib and pika (python3-pika).
add_test(NAME management_api
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/management_api_test.py $<TARGET_FILE:fakebroker>)
set_tests_properties(management_api PROPERTIES TIMEOUT 120)
