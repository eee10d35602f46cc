#include "conformance_fixture.hpp"
