// asio's TLS layer compiled once (ASIO_SEPARATE_COMPILATION), in a library of its own
// so that only what speaks TLS links OpenSSL.
#include <asio/ssl/impl/src.hpp>
