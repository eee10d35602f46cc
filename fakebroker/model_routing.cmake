# The broker's routing building blocks (topic trie, headers matching), kept apart
# from the server so tests drive them directly. Test paths hang off this file, not
# PROJECT_SOURCE_DIR, so the file also works when included from another project.
add_library(amqp_fakebroker_routing STATIC ${CMAKE_CURRENT_LIST_DIR}/src/model/headers_match.cpp
            ${CMAKE_CURRENT_LIST_DIR}/src/model/erlang_terms.cpp)
target_include_directories(amqp_fakebroker_routing PUBLIC ${CMAKE_CURRENT_LIST_DIR}/src)
target_link_libraries(amqp_fakebroker_routing PUBLIC amqp::protocol PRIVATE amqp_warnings)

if(AMQP_BUILD_TESTS)
  amqp_add_test(routing_test
    SOURCES
      ${CMAKE_CURRENT_LIST_DIR}/../tests/unit/topic_trie_test.cpp
      ${CMAKE_CURRENT_LIST_DIR}/../tests/unit/headers_match_test.cpp
    LIBS amqp_fakebroker_routing)
endif()
