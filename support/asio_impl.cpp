// Compiles standalone asio once for the whole project (ASIO_SEPARATE_COMPILATION):
// every other file includes asio's headers without its implementation.
#include <asio/impl/src.hpp>
