// test_isa_env.c: LC_ISA lowers the kernel level, never raises it (its own program: the level
// is read once per process).
#include "testutil.h"

#include <stdlib.h>

static void test_env_lowers(void **state) {
    (void)state;
    lc_isa want = lc_isa_detected() < LC_ISA_AVX2 ? lc_isa_detected() : LC_ISA_AVX2;
    assert_int_equal(lc_isa_get(), want);
}

int main(void) {
    setenv("LC_ISA", "avx2", 1);
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_env_lowers)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
