/*
 * Unit test of the dtc annotation scan (tools/specc/dtsrc.c): the map from
 * (node path, property) to "FILE:LINE" that specc's error messages use.
 */
#include "dtsrc.h"

#include <stdio.h>
#include <string.h>

static int test_failures;

/** Check that dtsrc_loc(path, prop) is `want`. */
static void test_expect(const struct dtsrc *src, const char *path, const char *prop,
                        const char *want)
{
    const char *got = dtsrc_loc(src, path, prop);

    if (strcmp(got, want) == 0)
        return;
    printf("FAIL %s %s: got %s, want %s\n", path, prop ? prop : "(node)", got, want);
    test_failures++;
}

/* What `dtc -O dts -T` prints, with labels, merged nodes, odd strings. */
static const char test_annotated[] = "/dts-v1/;\n"
                                     "\n"
                                     "/ { /* app.dts:2, extra.dtsi:1 */\n"
                                     "\tcompatible = \"capvisor,system\"; /* app.dts:3 */\n"
                                     "\n"
                                     "\tcomponents { /* app.dts:4 */\n"
                                     "\n"
                                     "\t\tlbl: client { /* app.dts:5 */\n"
                                     "\t\t\tprogram = \"a { b /* c */\"; /* app.dts:6 */\n"
                                     "\t\t\tirq-control; /* app.dts:7 */\n"
                                     "\t\t\tplbl: priority = <0x64>; /* dir/x.dtsi:12 */\n"
                                     "\t\t}; /* app.dts:8 */\n"
                                     "\n"
                                     "\t\tserver@1 { /* app.dts:9.9-10.3 */\n"
                                     "\t\t\tprogram = \"s\"; /* app.dts:9.20-33 */\n"
                                     "\t\t}; /* app.dts:10 */\n"
                                     "\t}; /* app.dts:11 */\n"
                                     "\tapp-name = \"x\"; /* app.dts:12 */\n"
                                     "}; /* app.dts:13 */\n";

int main(void)
{
    struct dtsrc src;
    char file_loc[] = "app.dts:1";

    memset(&src, 0, sizeof(src));
    if (dtsrc_scan(&src, test_annotated) != 0) {
        printf("FAIL dtsrc_scan\n");
        return 1;
    }
    src.file_loc = file_loc;
    test_expect(&src, "/", NULL, "app.dts:2");
    test_expect(&src, "/", "compatible", "app.dts:3");
    test_expect(&src, "/", "app-name", "app.dts:12");
    test_expect(&src, "/components", NULL, "app.dts:4");
    test_expect(&src, "/components/client", NULL, "app.dts:5");
    test_expect(&src, "/components/client", "program", "app.dts:6");
    test_expect(&src, "/components/client", "irq-control", "app.dts:7");
    test_expect(&src, "/components/client", "priority", "dir/x.dtsi:12");
    test_expect(&src, "/components/client", "missing", "app.dts:5");
    test_expect(&src, "/components/server@1", NULL, "app.dts:9");
    test_expect(&src, "/components/server@1", "program", "app.dts:9");
    test_expect(&src, "/nowhere", "x", "app.dts:1");
    src.file_loc = NULL;
    dtsrc_close(&src);
    printf("%s\n", test_failures ? "FAILED" : "ok");
    return test_failures ? 1 : 0;
}
