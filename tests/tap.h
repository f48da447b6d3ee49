/*
 * A minimal TAP producer for the C unit tests (the automake tap-driver.sh
 * reads its output).
 */
#ifndef TESTS_TAP_H
#define TESTS_TAP_H

#include <stdbool.h>

/* Announce how many tests will run; optional if done_testing() is used. */
void plan(int n);

/* Report one test; returns cond so callers can add diagnostics. */
bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Compare integers and show both on failure. */
bool is_int(long long got, long long want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Compare strings (NULL allowed) and show both on failure. */
bool is_str(const char *got, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Print a comment line. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print the plan if none was given; the exit status for main(). */
int done_testing(void);

#endif /* TESTS_TAP_H */
