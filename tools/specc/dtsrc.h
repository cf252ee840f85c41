/*
 * The description source: runs dtc on an app's .dts to get a flattened
 * devicetree (read with libfdt), and a second time with `-O dts -T` to get
 * dtc's source annotations, from which it builds a map
 * (node path, property name) -> "FILE:LINE" for error messages.
 *
 * The map is a line-oriented scan of dtc's own annotated output, not a
 * devicetree parser: dtc remains the only thing that parses the source.
 */
#ifndef SPECC_DTSRC_H
#define SPECC_DTSRC_H

#include <stddef.h>

/** One annotation: where a node (prop == "") or property was written. */
struct dtsrc_entry {
    char *path; /* node path, "/components/client" */
    char *prop; /* property name, "" for the node itself */
    char *loc;  /* "FILE:LINE" of its (first) definition */
};

/** An app description compiled by dtc, with its source locations. */
struct dtsrc {
    char *file;     /* input path as given on the command line */
    char *file_loc; /* "FILE:1", used when nothing better is known */
    void *dtb;      /* flattened devicetree from dtc */
    size_t dtb_size;
    struct dtsrc_entry *entry;
    size_t entry_count;
    size_t entry_cap;
};

/**
 * Compile `path` with dtc (env CV_DTC overrides the dtc command; files that
 * contain `#include` go through the C preprocessor first, env CV_CPP, which
 * looks in `path`'s directory and then in `include_dir` if not NULL: a
 * board's plat/<board>/board.h) and read its annotations. dtc's own errors
 * reach stderr unchanged. Returns 0, or -1 after printing an error.
 */
int dtsrc_open(struct dtsrc *src, const char *path, const char *include_dir);

/** Free everything dtsrc_open() or dtsrc_scan() allocated. */
void dtsrc_close(struct dtsrc *src);

/**
 * Add the annotations of dtc's `-O dts -T` output `text` to the map.
 * Exposed for the unit test. Returns 0, or -1 when out of memory.
 */
int dtsrc_scan(struct dtsrc *src, const char *text);

/**
 * "FILE:LINE" of property `prop` of node `path`; of the node itself if
 * `prop` is NULL or was not written; of the input file if neither is known.
 */
const char *dtsrc_loc(const struct dtsrc *src, const char *path, const char *prop);

#endif /* SPECC_DTSRC_H */
