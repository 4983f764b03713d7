/*
 * test_digest.c: a file's SHA-256 on a thread of its own (core/digest.h)
 * and the provenance records that wait for it (silk_batch_add_provenance_
 * digest, silk_batch_provenance_settle, the commit).
 *
 * Expected digests are the FIPS 180-2 examples: "abc", and one million
 * times 'a' (several of the thread's 256 KiB reads).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "silkstat.h"
#include "core/batch.h"
#include "core/digest.h"
#include "fixture.h"

#define ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define MILLION_A                                                         \
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static int setup(void **state)
{
    (void)state;
    return fixture_setup(NULL);
}

static int teardown(void **state)
{
    (void)state;
    return fixture_teardown();
}

/* A digest of file, started as the reader starts one. */
static silk_digest *start(const char *file)
{
    silk_error err = {0};
    silk_digest *d = NULL;
    int fd = open(file, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(silk_digest_start(fd, file, &d, &err), SILK_OK);
    close(fd); /* the digest has its own descriptor */
    return d;
}

static void test_abc(void **state)
{
    (void)state;
    silk_error err = {0};
    char hex[65];
    silk_digest *d = start(write_text("abc.csv", "abc"));
    silk_digest_go(d);
    silk_digest_go(d); /* twice, as when two threads run out of parts */
    assert_int_equal(silk_digest_finish(d, 3, hex, &err), SILK_OK);
    assert_string_equal(hex, ABC);
    /* the result is kept */
    memset(hex, 0, sizeof hex);
    assert_int_equal(silk_digest_finish(d, 3, hex, &err), SILK_OK);
    assert_string_equal(hex, ABC);
    silk_digest_free(d);
}

static void test_million_a_without_go(void **state)
{
    (void)state;
    silk_error err = {0};
    char hex[65];
    char *text = malloc(1000000);
    assert_non_null(text);
    memset(text, 'a', 1000000);
    silk_digest *d = start(write_bytes("a.csv", text, 1000000));
    free(text);
    /* finish lets the thread go itself */
    assert_int_equal(silk_digest_finish(d, 1000000, hex, &err), SILK_OK);
    assert_string_equal(hex, MILLION_A);
    silk_digest_free(d);
}

static void test_other_length_is_a_changed_file(void **state)
{
    (void)state;
    silk_error err = {0};
    char hex[65], want[512];
    const char *file = write_text("short.csv", "abc");
    silk_digest *d = start(file);
    assert_int_equal(silk_digest_finish(d, 4, hex, &err), SILK_EIO);
    snprintf(want, sizeof want,
             "'%s' changed while it was read; expected the file to stay as "
             "it is during an ingest", file);
    assert_string_equal(err.message, want);
    silk_digest_free(d);
}

static void test_file_growing_before_the_hash(void **state)
{
    (void)state;
    silk_error err = {0};
    char hex[65], file[256];
    snprintf(file, sizeof file, "%s", write_text("grows.csv", "abc"));
    silk_digest *d = start(file);
    /* three bytes were parsed; the file grows before the thread reads */
    FILE *f = fopen(file, "ab");
    assert_non_null(f);
    fputs("def", f);
    fclose(f);
    assert_int_equal(silk_digest_finish(d, 3, hex, &err), SILK_EIO);
    assert_non_null(strstr(err.message, "changed while it was read"));
    silk_digest_free(d);
}

static void test_free_without_finish(void **state)
{
    (void)state;
    /* never told to go: free must not wait for a hash */
    silk_digest_free(start(write_text("idle.csv", "abc")));
    silk_digest *d = start(write_text("busy.csv", "abc"));
    silk_digest_go(d);
    silk_digest_free(d);
    silk_digest_free(NULL);
}

static void test_ready(void **state)
{
    (void)state;
    silk_error err = {0};
    char hex[65];
    silk_digest *d = NULL;
    assert_int_equal(silk_digest_ready(ABC, &d, &err), SILK_OK);
    /* nothing was read, so there is no length to check */
    assert_int_equal(silk_digest_finish(d, 12345, hex, &err), SILK_OK);
    assert_string_equal(hex, ABC);
    silk_digest_free(d);
}

/* A batch of one cell whose provenance record waits for a digest of
 * file. */
static silk_batch *batch_with_digest(const char *file, uint64_t bytes)
{
    silk_error err = {0};
    silk_batch *batch = NULL;
    silk_period year = {SILK_FREQ_ANNUAL, 2020, 0};
    assert_int_equal(silk_batch_alloc(&batch, &err), SILK_OK);
    assert_int_equal(silk_batch_put(batch, "refugees", "AFG", "IRN", year,
                                    7.0, 0, NULL, NULL, 0, 2, &err),
                     SILK_OK);
    assert_int_equal(silk_batch_add_provenance_digest(
                         batch, 0, file, start(file), bytes, 1, &err),
                     SILK_OK);
    return batch;
}

static void test_batch_record_settles(void **state)
{
    (void)state;
    silk_error err = {0};
    silk_batch *batch = batch_with_digest(write_text("b.csv", "abc"), 3);
    /* the public accessor waits for the digest */
    const silk_provenance *p = silk_batch_provenance(batch, 0);
    assert_non_null(p);
    assert_string_equal(p->sha256, ABC);
    assert_int_equal(silk_batch_provenance_settle(batch, &err), SILK_OK);
    silk_batch_free(batch);

    /* freed while still pending: no leak, no wait (ASan run) */
    silk_batch_free(batch_with_digest(write_text("c.csv", "abc"), 3));
}

static unsigned char *slurp_store(const char *file, long *len)
{
    FILE *f = fopen(file, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    rewind(f);
    unsigned char *bytes = malloc((size_t)*len);
    assert_non_null(bytes);
    assert_int_equal(fread(bytes, 1, (size_t)*len, f), (size_t)*len);
    fclose(f);
    return bytes;
}

static void test_commit_refuses_a_changed_file(void **state)
{
    (void)state;
    silk_error err = {0};
    char store[256], csv[256];
    long before_len, after_len;

    snprintf(store, sizeof store, "%s/store.h5", tmpdir);
    snprintf(csv, sizeof csv, "%s", write_text("first.csv", "abc"));
    silk_batch *batch = batch_with_digest(csv, 3);
    assert_int_equal(silk_store_commit(store, batch, &err), SILK_OK);
    silk_batch_free(batch);
    unsigned char *before = slurp_store(store, &before_len);

    /* the second file was parsed at 3 bytes, then changed */
    snprintf(csv, sizeof csv, "%s", write_text("second.csv", "abcdef"));
    batch = batch_with_digest(csv, 3);
    assert_int_equal(silk_store_commit(store, batch, &err), SILK_EIO);
    assert_non_null(strstr(err.message, "changed while it was read"));
    silk_batch_free(batch);

    unsigned char *after = slurp_store(store, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, (size_t)before_len);
    free(before);
    free(after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abc),
        cmocka_unit_test(test_million_a_without_go),
        cmocka_unit_test(test_other_length_is_a_changed_file),
        cmocka_unit_test(test_file_growing_before_the_hash),
        cmocka_unit_test(test_free_without_finish),
        cmocka_unit_test(test_ready),
        cmocka_unit_test(test_batch_record_settles),
        cmocka_unit_test(test_commit_refuses_a_changed_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
