/*
 * The boot archive (root loader, compiled spec, programs), placed in the
 * kernel image by kernel.ld between __archive_start and __archive_end.
 * CV_ARCHIVE_FILE is its path, set by kernel/CMakeLists.txt.
 */
    .section .archive, "a"
    .balign 4096
    .incbin CV_ARCHIVE_FILE
