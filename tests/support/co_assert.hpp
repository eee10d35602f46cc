#pragma once

// ASSERT_* cannot return from a coroutine: these record the failure as EXPECT_* would
// and end the body with co_return. Each operand is evaluated once; a condition that is
// an AssertionResult keeps its message.

#include <gtest/gtest.h>

namespace amqp::test::detail {

inline ::testing::AssertionResult co_assert_result(const ::testing::AssertionResult& result, const char*)
{
    return result;
}

template <class T>
::testing::AssertionResult co_assert_result(const T& value, const char* text)
{
    if (static_cast<bool>(value)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "Value of: " << text << "\n  Actual: false\nExpected: true";
}

}  // namespace amqp::test::detail

#define AMQP_CO_ASSERT_RESULT_(result)                                                       \
    do {                                                                                     \
        if (const ::testing::AssertionResult amqp_co_assert_ = (result); !amqp_co_assert_) { \
            ADD_FAILURE() << amqp_co_assert_.message();                                      \
            co_return;                                                                       \
        }                                                                                    \
    } while (false)

#define CO_ASSERT_TRUE(condition) \
    AMQP_CO_ASSERT_RESULT_(::amqp::test::detail::co_assert_result((condition), #condition))
#define CO_ASSERT_FALSE(condition) CO_ASSERT_TRUE(!(condition))
#define CO_ASSERT_EQ(a, b) AMQP_CO_ASSERT_RESULT_(::testing::internal::EqHelper::Compare(#a, #b, a, b))
