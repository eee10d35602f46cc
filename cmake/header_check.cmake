# AMQP_HEADER_CHECK: every header of the libraries compiled on its own, included twice
# (which checks its #pragma once), with the warnings of the project. Unity builds hide
# a missing include; this does not. The target `header_check` builds them all.
#
# A public header is compiled as a user of its library sees it (the library's
# interface include directories only), so it cannot lean on a private header; a
# private one with everything its library's own sources see.
#
# header_check_exclude.txt beside this file lists headers left out, one path from the
# project root per line.
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/header_check_exclude.txt amqp_header_check_exclude)
add_custom_target(header_check)

# One translation unit per header under `dir`, spelled by its path from `dir`; the
# sources' paths in `out`.
function(amqp_header_check_sources out dir)
  file(GLOB_RECURSE headers CONFIGURE_DEPENDS RELATIVE ${dir} ${dir}/*.hpp)
  set(sources "")
  foreach(header IN LISTS headers)
    file(RELATIVE_PATH from_root ${PROJECT_SOURCE_DIR} ${dir}/${header})
    if(from_root IN_LIST amqp_header_check_exclude)
      continue()
    endif()
    set(source ${PROJECT_BINARY_DIR}/header_check/${from_root}.cpp)
    file(CONFIGURE OUTPUT ${source} CONTENT "#include \"${header}\"\n#include \"${header}\"\n" @ONLY)
    list(APPEND sources ${source})
  endforeach()
  set(${out} ${sources} PARENT_SCOPE)
endfunction()

# amqp_check_headers(target [PUBLIC dir...] [PRIVATE dir...]): PUBLIC dirs hold the
# target's interface headers, PRIVATE dirs the ones beside its sources.
function(amqp_check_headers target)
  cmake_parse_arguments(ARG "" "" "PUBLIC;PRIVATE" ${ARGN})
  foreach(kind IN ITEMS PUBLIC PRIVATE)
    set(sources "")
    foreach(dir IN LISTS ARG_${kind})
      amqp_header_check_sources(dir_sources ${dir})
      list(APPEND sources ${dir_sources})
    endforeach()
    if(NOT sources)
      continue()
    endif()
    string(TOLOWER ${kind} suffix)
    set(check ${target}_${suffix}_header_check)
    add_library(${check} OBJECT EXCLUDE_FROM_ALL ${sources})
    set_target_properties(${check} PROPERTIES UNITY_BUILD OFF)
    target_link_libraries(${check} PRIVATE ${target} amqp_warnings)
    if(kind STREQUAL "PRIVATE")
      # What the target's own sources see, its private dependencies' interfaces included.
      target_include_directories(${check} PRIVATE ${ARG_PRIVATE} $<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>)
      target_compile_definitions(${check} PRIVATE $<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>)
      target_compile_options(${check} PRIVATE $<TARGET_PROPERTY:${target},COMPILE_OPTIONS>)
    endif()
    add_dependencies(header_check ${check})
  endforeach()
endfunction()

set(root ${PROJECT_SOURCE_DIR})
amqp_check_headers(amqp_protocol PUBLIC ${root}/protocol/include ${root}/protocol/generated)
amqp_check_headers(amqp_runtime PUBLIC ${root}/support/include)
amqp_check_headers(amqp_client PUBLIC ${root}/client/include PRIVATE ${root}/client/src)
amqp_check_headers(amqp_fakebroker_faults PRIVATE ${root}/fakebroker/src/faults)
amqp_check_headers(amqp_fakebroker_model PRIVATE ${root}/fakebroker/src/model)
amqp_check_headers(amqp_fakebroker PUBLIC ${root}/fakebroker/include PRIVATE ${root}/fakebroker/src/server)
amqp_check_headers(amqp_harness PUBLIC ${root}/harness/include)
amqp_check_headers(amqp_fakebroker_management PUBLIC ${root}/fakebroker/management/include
                   PRIVATE ${root}/fakebroker/management/src)
if(TARGET amqp_fakebroker_testing)
  amqp_check_headers(amqp_fakebroker_testing PUBLIC ${root}/fakebroker/testing/include)
endif()
