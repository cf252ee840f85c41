/*
 * The description source: dtc runs and the annotation map, see dtsrc.h.
 *
 * dtc's `-O dts -T` output puts every node and property on its own line,
 * followed by a comment naming where it came from:
 *
 *     client { /+ hello.dts:5 +/
 *         program = "hello_client"; /+ hello.dts:6 +/
 *     }; /+ hello.dts:9 +/
 *
 * (with `*` for `+`). A node defined in several places lists them all,
 * separated by ", "; the first one is kept.
 */
#include "dtsrc.h"

#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DTSRC_MAX_DEPTH 64
#define DTSRC_PATH_MAX  1024

/** The node path while scanning: "/a/b" and where each level starts. */
struct dtsrc_path {
    char buf[DTSRC_PATH_MAX];
    size_t start[DTSRC_MAX_DEPTH];
    int depth;
};

/** A command's words, for dtsrc_run(). */
#define DTSRC_ARGV_MAX 16

/** Read a whole file into a malloc'd, NUL-terminated buffer. */
static int dtsrc_read_file(const char *path, char **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    long len;

    if (!f)
        return -1;
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return -1;
    }
    *data = malloc((size_t)len + 1);
    if (!*data || fread(*data, 1, (size_t)len, f) != (size_t)len) {
        free(*data);
        *data = NULL;
        fclose(f);
        return -1;
    }
    (*data)[len] = '\0';
    *size = (size_t)len;
    fclose(f);
    return 0;
}

/** Create an empty temporary file; its path is written to `path`. */
static int dtsrc_tmpfile(char *path, size_t len)
{
    const char *dir = getenv("TMPDIR");
    int fd;

    snprintf(path, len, "%s/specc-XXXXXX", dir && *dir ? dir : "/tmp");
    fd = mkstemp(path);
    if (fd < 0) {
        diag_tool_error("cannot create a temporary file in '%s': %s", dir && *dir ? dir : "/tmp",
                        strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

/** In the child: silence stderr if asked, then exec argv. */
static void dtsrc_child(char *const argv[], int quiet)
{
    if (quiet) {
        int null = open("/dev/null", O_WRONLY);

        if (null >= 0)
            dup2(null, STDERR_FILENO);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "specc: error: cannot run '%s': %s\n", argv[0], strerror(errno));
    _exit(127);
}

/**
 * Run argv (argv[0] looked up on PATH); its stderr goes to ours unless
 * `quiet`. Returns 0 if it exited with status 0.
 */
static int dtsrc_run(char *const argv[], int quiet)
{
    int status;
    pid_t pid;

    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        diag_tool_error("cannot fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0)
        dtsrc_child(argv, quiet);
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/** Env `name` if set and non-empty, else `dflt`. */
static const char *dtsrc_tool(const char *name, const char *dflt)
{
    const char *v = getenv(name);

    return v && *v ? v : dflt;
}

/** Run dtc on `in`, writing format `fmt` (plus `-T` if annotate) to `out`. */
static int dtsrc_dtc(const char *in, const char *fmt, int annotate, const char *out)
{
    char *argv[DTSRC_ARGV_MAX];
    int n = 0;

    argv[n++] = (char *)dtsrc_tool("CV_DTC", "dtc");
    argv[n++] = "-I";
    argv[n++] = "dts";
    argv[n++] = "-O";
    argv[n++] = (char *)fmt;
    if (annotate)
        argv[n++] = "-T";
    argv[n++] = "-o";
    argv[n++] = (char *)out;
    argv[n++] = (char *)in;
    argv[n] = NULL;
    return dtsrc_run(argv, annotate);
}

/**
 * Run the C preprocessor on `in` into `out`, keeping line markers so dtc
 * reports (and annotates) locations in the original files.
 */
static int dtsrc_cpp(const char *in, const char *out, const char *include_dir)
{
    char *dir = strdup(in);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    char *argv[DTSRC_ARGV_MAX];
    int n = 0, rc;

    if (!dir)
        return -1;
    if (slash)
        *slash = '\0';
    argv[n++] = (char *)dtsrc_tool("CV_CPP", "cpp");
    argv[n++] = "-nostdinc";
    argv[n++] = "-undef";
    argv[n++] = "-D__DTS__";
    argv[n++] = "-x";
    argv[n++] = "assembler-with-cpp";
    argv[n++] = "-I";
    argv[n++] = slash ? dir : ".";
    if (include_dir) {
        argv[n++] = "-I";
        argv[n++] = (char *)include_dir;
    }
    argv[n++] = "-o";
    argv[n++] = (char *)out;
    argv[n++] = (char *)in;
    argv[n] = NULL;
    rc = dtsrc_run(argv, 0);
    free(dir);
    return rc;
}

/** Read and check the DTB dtc wrote to `path`. */
static int dtsrc_load_dtb(struct dtsrc *src, const char *path)
{
    char *data;
    size_t size;

    if (dtsrc_read_file(path, &data, &size) != 0) {
        diag_tool_error("cannot read dtc output '%s'", path);
        return -1;
    }
    if (size < sizeof(struct fdt_header) || fdt_check_header(data) != 0 ||
        fdt_totalsize(data) > size) {
        diag_tool_error("dtc wrote a malformed devicetree blob");
        free(data);
        return -1;
    }
    src->dtb = data;
    src->dtb_size = size;
    return 0;
}

/** Read dtc's annotated output from `path` into the location map. */
static int dtsrc_load_annotations(struct dtsrc *src, const char *path)
{
    char *text;
    size_t size;
    int rc;

    if (dtsrc_read_file(path, &text, &size) != 0) {
        diag_tool_error("cannot read dtc output '%s'", path);
        return -1;
    }
    rc = dtsrc_scan(src, text);
    free(text);
    if (rc != 0)
        diag_tool_error("out of memory");
    return rc;
}

/** Run dtc twice on `in` (the source, or its preprocessed copy). */
static int dtsrc_compile(struct dtsrc *src, const char *in)
{
    char dtb[256], ann[256];
    int rc = -1;

    if (dtsrc_tmpfile(dtb, sizeof(dtb)) != 0)
        return -1;
    if (dtsrc_tmpfile(ann, sizeof(ann)) != 0) {
        unlink(dtb);
        return -1;
    }
    if (dtsrc_dtc(in, "dtb", 0, dtb) == 0 && dtsrc_load_dtb(src, dtb) == 0) {
        if (dtsrc_dtc(in, "dts", 1, ann) != 0)
            diag_tool_error("dtc failed to annotate '%s'", src->file);
        else
            rc = dtsrc_load_annotations(src, ann);
    }
    unlink(dtb);
    unlink(ann);
    return rc;
}

/** Record the input name and its fallback location. */
static int dtsrc_set_file(struct dtsrc *src, const char *path)
{
    size_t len = strlen(path) + 3;

    src->file = strdup(path);
    src->file_loc = malloc(len);
    if (!src->file || !src->file_loc) {
        diag_tool_error("out of memory");
        return -1;
    }
    snprintf(src->file_loc, len, "%s:1", path);
    return 0;
}

int dtsrc_open(struct dtsrc *src, const char *path, const char *include_dir)
{
    char pre[256], *text;
    size_t size;
    int rc;

    memset(src, 0, sizeof(*src));
    if (dtsrc_set_file(src, path) != 0)
        return -1;
    if (dtsrc_read_file(path, &text, &size) != 0) {
        diag_tool_error("cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    if (!strstr(text, "#include")) {
        free(text);
        return dtsrc_compile(src, path);
    }
    free(text);
    if (dtsrc_tmpfile(pre, sizeof(pre)) != 0)
        return -1;
    rc = dtsrc_cpp(path, pre, include_dir);
    if (rc == 0)
        rc = dtsrc_compile(src, pre);
    unlink(pre);
    return rc;
}

void dtsrc_close(struct dtsrc *src)
{
    for (size_t i = 0; i < src->entry_count; i++) {
        free(src->entry[i].path);
        free(src->entry[i].prop);
        free(src->entry[i].loc);
    }
    free(src->entry);
    free(src->dtb);
    free(src->file);
    free(src->file_loc);
    memset(src, 0, sizeof(*src));
}

/** Append one (path, prop) -> loc entry; the first definition wins. */
static int dtsrc_add(struct dtsrc *src, const char *path, const char *prop, const char *loc)
{
    struct dtsrc_entry *e;

    if (src->entry_count == src->entry_cap) {
        size_t cap = src->entry_cap ? src->entry_cap * 2 : 64;

        e = realloc(src->entry, cap * sizeof(*e));
        if (!e)
            return -1;
        src->entry = e;
        src->entry_cap = cap;
    }
    e = &src->entry[src->entry_count];
    e->path = strdup(path);
    e->prop = strdup(prop);
    e->loc = strdup(loc);
    if (!e->path || !e->prop || !e->loc) {
        free(e->path);
        free(e->prop);
        free(e->loc);
        return -1;
    }
    src->entry_count++;
    return 0;
}

/**
 * Split `line` at its trailing annotation `/+ LOC[, LOC...] +/`: the body
 * before it is NUL-terminated and the first LOC, cut after its line number,
 * copied to `loc`. Returns 0, or -1 if the line has no annotation.
 */
static int dtsrc_split(char *line, char *loc, size_t loc_len)
{
    char *c = NULL, *p = line, *end, *colon;
    size_t n;

    while ((p = strstr(p, "/* ")) != NULL)
        c = p++;
    if (!c || !strstr(c, "*/"))
        return -1;
    *c = '\0';
    c += 3;
    n = strcspn(c, ", *");
    if (n == 0 || n >= loc_len)
        return -1;
    memcpy(loc, c, n);
    loc[n] = '\0';
    colon = strrchr(loc, ':');
    if (!colon)
        return -1;
    end = colon + 1 + strspn(colon + 1, "0123456789");
    *end = '\0';
    return 0;
}

/** Strip trailing white space; return the first non-space character. */
static char *dtsrc_trim(char *s)
{
    size_t n = strlen(s);

    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/** Skip `label:` prefixes dtc may print before a node or property name. */
static char *dtsrc_skip_labels(char *s)
{
    for (;;) {
        size_t n = strcspn(s, " =;{");

        if (n == 0 || s[n - 1] != ':' || s[n] != ' ')
            return s;
        s += n + 1;
    }
}

/** Enter node `name` (a line "NAME {"). */
static int dtsrc_push(struct dtsrc_path *p, const char *name)
{
    size_t len = strlen(p->buf), n = strlen(name);

    if (p->depth >= DTSRC_MAX_DEPTH || len + n + 2 > sizeof(p->buf))
        return -1;
    p->start[p->depth++] = len;
    if (strcmp(name, "/") == 0 && len == 0)
        strcpy(p->buf, "/");
    else
        snprintf(p->buf + len, sizeof(p->buf) - len, "%s%s", len > 1 ? "/" : "", name);
    return 0;
}

/** Leave the current node (a line "};"). */
static void dtsrc_pop(struct dtsrc_path *p)
{
    if (p->depth > 0)
        p->buf[p->start[--p->depth]] = '\0';
}

/** Handle one body line (annotation already split off) at location loc. */
static int dtsrc_line(struct dtsrc *src, struct dtsrc_path *p, char *body, const char *loc)
{
    size_t n = strlen(body);

    if (strcmp(body, "};") == 0) {
        dtsrc_pop(p);
        return 0;
    }
    if (n > 2 && strcmp(body + n - 2, " {") == 0) {
        body[n - 2] = '\0';
        body = dtsrc_skip_labels(body);
        if (dtsrc_push(p, body) != 0)
            return 0;
        return dtsrc_add(src, p->buf, "", loc);
    }
    if (n > 1 && body[n - 1] == ';' && p->depth > 0) {
        body = dtsrc_skip_labels(body);
        body[strcspn(body, " =;")] = '\0';
        return dtsrc_add(src, p->buf, body, loc);
    }
    return 0;
}

int dtsrc_scan(struct dtsrc *src, const char *text)
{
    struct dtsrc_path path = {.depth = 0};
    char *copy = strdup(text), *line, *save = NULL;
    char loc[512];
    int rc = 0;

    if (!copy)
        return -1;
    for (line = strtok_r(copy, "\n", &save); line && rc == 0; line = strtok_r(NULL, "\n", &save)) {
        if (dtsrc_split(line, loc, sizeof(loc)) == 0)
            rc = dtsrc_line(src, &path, dtsrc_trim(line), loc);
    }
    free(copy);
    return rc;
}

/** The entry for (path, prop), or NULL. */
static const struct dtsrc_entry *dtsrc_find(const struct dtsrc *src, const char *path,
                                            const char *prop)
{
    for (size_t i = 0; i < src->entry_count; i++) {
        const struct dtsrc_entry *e = &src->entry[i];

        if (strcmp(e->path, path) == 0 && strcmp(e->prop, prop) == 0)
            return e;
    }
    return NULL;
}

const char *dtsrc_loc(const struct dtsrc *src, const char *path, const char *prop)
{
    const struct dtsrc_entry *e = NULL;

    if (prop)
        e = dtsrc_find(src, path, prop);
    if (!e)
        e = dtsrc_find(src, path, "");
    return e ? e->loc : src->file_loc;
}
