/*
 * specc: the system-description compiler.
 *
 *   specc [--programs a,b,c] [--files x,y] [-I dir] [--ram BASE:SIZE --image BASE:SIZE]
 *         -o spec.bin app.dts
 *   specc --dump spec.bin
 *
 * Compiles an app's devicetree description (docs/system-description.md)
 * into the spec blob the root loader reads (include/capvisor/spec.h).
 * Errors in the description are printed as `FILE:LINE: error: ...` and
 * make specc exit with status 1.
 */
#include "desc.h"
#include "diag.h"
#include "dtsrc.h"
#include "dump.h"
#include "emit.h"
#include "layout.h"
#include "passthru.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Parsed command line. */
struct main_args {
    const char *input;
    const char *output;
    const char *dump;
    const char *include_dir; /* -I: the board's plat/<board>, for #include <board.h> */
    char *program_list;      /* --programs, split in place */
    struct desc_programs programs;
    char *file_list; /* --files, split in place */
    struct desc_programs files;
};

/** Print usage to stderr; returns exit status 1. */
static int main_usage(void)
{
    fprintf(stderr, "usage: specc [--programs a,b,c] [--files x,y] [-I dir]\n"
                    "             [--ram BASE:SIZE --image BASE:SIZE] -o spec.bin app.dts\n"
                    "       specc --dump spec.bin\n");
    return 1;
}

/** Split comma-separated `list` (option `opt`) into *names, in *storage. */
static int main_split(const char *opt, const char *list, char **storage,
                      struct desc_programs *names)
{
    char *save = NULL, *p;
    uint32_t count = 1;

    if (*storage) {
        diag_tool_error("%s given twice", opt);
        return -1;
    }
    for (const char *c = list; *c; c++)
        count += *c == ',';
    *storage = strdup(list);
    names->name = calloc(count, sizeof(char *));
    if (!*storage || !names->name) {
        diag_tool_error("out of memory");
        return -1;
    }
    for (p = strtok_r(*storage, ",", &save); p; p = strtok_r(NULL, ",", &save))
        names->name[names->count++] = p;
    if (names->count == 0) {
        diag_tool_error("%s names nothing", opt);
        return -1;
    }
    return 0;
}

/** Parse argv into args. Returns 0, or -1 on a usage error. */
static int main_parse(int argc, char **argv, struct main_args *args)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "--programs") == 0 && i + 1 < argc) {
            if (main_split(a, argv[++i], &args->program_list, &args->programs))
                return -1;
        } else if (strcmp(a, "--files") == 0 && i + 1 < argc) {
            if (main_split(a, argv[++i], &args->file_list, &args->files))
                return -1;
        } else if (strcmp(a, "-I") == 0 && i + 1 < argc && !args->include_dir) {
            args->include_dir = argv[++i];
        } else if (strcmp(a, "--ram") == 0 && i + 1 < argc) {
            if (passthru_set_ram(argv[++i]))
                return -1;
        } else if (strcmp(a, "--image") == 0 && i + 1 < argc) {
            if (passthru_set_image(argv[++i]))
                return -1;
        } else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
            args->output = argv[++i];
        } else if (strcmp(a, "--dump") == 0 && i + 1 < argc) {
            args->dump = argv[++i];
        } else if (a[0] != '-' && !args->input) {
            args->input = a;
        } else {
            return -1;
        }
    }
    if (args->dump)
        return args->input || args->output ? -1 : 0;
    return args->input && args->output ? 0 : -1;
}

/** specc --dump FILE. */
static int main_dump(const char *path)
{
    FILE *f = fopen(path, "rb");
    static char buf[1 << 20];
    size_t size;
    int rc;

    if (!f) {
        diag_tool_error("cannot read '%s': %s", path, strerror(errno));
        return 1;
    }
    size = fread(buf, 1, sizeof(buf), f);
    rc = ferror(f) || !feof(f);
    fclose(f);
    if (rc) {
        diag_tool_error("cannot read '%s' (larger than %zu bytes?)", path, sizeof(buf));
        return 1;
    }
    return dump_spec(buf, size, stdout) ? 1 : 0;
}

/** specc -o OUT IN: compile, check, lay out and write. */
static int main_compile(const struct main_args *args)
{
    struct dtsrc src;
    struct desc d;
    int rc = 1;

    if (dtsrc_open(&src, args->input, args->include_dir) != 0) {
        dtsrc_close(&src);
        return 1;
    }
    if (desc_load(&d, &src, &args->programs, &args->files) == 0 && layout_build(&d) == 0 &&
        emit_write(&d, args->output) == 0)
        rc = 0;
    desc_free(&d);
    dtsrc_close(&src);
    return rc;
}

int main(int argc, char **argv)
{
    struct main_args args = {0};
    int rc = -1;

    if (main_parse(argc, argv, &args) == 0)
        rc = args.dump ? main_dump(args.dump) : main_compile(&args);
    free(args.program_list);
    free(args.programs.name);
    free(args.file_list);
    free(args.files.name);
    return rc < 0 ? main_usage() : rc;
}
