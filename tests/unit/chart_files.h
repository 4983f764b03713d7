/*
 * chart_files.h: the chart tests' files (header-only, included by
 * test_chart.c and test_chart_types.c after <cmocka.h>): a temporary
 * folder per test as *state, paths in it, reading a file whole, counting
 * what is left in it; and for the hostile-label tests, the text gnuplot's
 * SVG shows for a label and the check that no injected command ran.
 */
#ifndef SILK_TEST_CHART_FILES_H
#define SILK_TEST_CHART_FILES_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart/chart.h" /* silk_chart_clean_text */

static char *path_in(const char *dir, const char *name)
{
    static char buf[8][512];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, 512, "%s/%s", dir, name);
    return p;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    size_t got = fread(text, 1, (size_t)n, f);
    text[got] = '\0';
    fclose(f);
    if (len)
        *len = got;
    return text;
}

/* Names in dir other than . and ..: those starting with '.' (the
 * temporary images) when hidden, the others when not. */
static int count_files(const char *dir, int hidden)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
            (e->d_name[0] == '.') == hidden)
            n++;
    if (d)
        closedir(d);
    return n;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            unlink(path_in(dir, e->d_name));
    if (d)
        closedir(d);
    rmdir(dir);
}

static int setup_dir(void **state)
{
    char *dir = strdup("/tmp/silk_chart_XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    *state = dir;
    return 0;
}

static int teardown_dir(void **state)
{
    remove_tree(*state);
    free(*state);
    return 0;
}

/* What gnuplot's svg terminal writes for a cleaned label: it escapes &
 * and < only (quotes and > stay as they are). */
static char *svg_text(const char *label)
{
    char *clean = silk_chart_clean_text(label);
    char *out = malloc(strlen(clean) * 5 + 1), *w = out;
    for (const char *r = clean; *r; r++) {
        if (*r == '&')
            w += sprintf(w, "&amp;");
        else if (*r == '<')
            w += sprintf(w, "&lt;");
        else
            *w++ = *r;
    }
    *w = '\0';
    free(clean);
    return out;
}

/* None of the files the hostile labels try to create (in dir or in the
 * working folder) exists. */
static void assert_no_pwned(const char *dir)
{
    static const char *const names[] = {"PWNED",  "PWNED2", "PWNED3",
                                        "PWNED4", "PWNED5", "PWNED6",
                                        "PWNED7"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        assert_false(exists(path_in(dir, names[i])));
        assert_false(exists(names[i]));
    }
}

#endif
