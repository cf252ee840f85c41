/*
 * Host unit test of the capability derivation tree (kernel/src/cap.c):
 * derivation, last-cap detection, delete with promotion, revoke, and
 * deletion of deeply nested cnodes without recursion.
 * The object layer is faked here: cnodes are arrays of ctes on the heap.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/cap.h>
#include <kernel/kprintf.h>
#include <kernel/object.h>

static int failures;
static int destroyed[CV_OBJ_COUNT];
static int removed;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);                                    \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* ---- fakes for what cap.c needs ---- */
void kpanic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    abort();
}

bool obj_needs_zombie(const struct cap *cap)
{
    return cap->type == CV_OBJ_CNODE;
}

void obj_zombie_begin(const struct cap *cap)
{
    (void)cap;
}

struct cte *obj_zombie_next_slot(const struct cap *cap)
{
    struct cte *s = (struct cte *)(uintptr_t)cap->obj;
    for (size_t i = 0; i < ((size_t)1 << cap->size_bits); i++)
        if (!cte_empty(&s[i]) && s[i].cap.type != CAP_ZOMBIE)
            return &s[i];
    return NULL;
}

void obj_destroy(const struct cap *cap)
{
    destroyed[cap->type]++;
}

void obj_cap_removed(const struct cap *cap)
{
    (void)cap;
    removed++;
}

/* ---- helpers ---- */
static struct cap ep_cap(uint64_t obj)
{
    return (struct cap){.type = CV_OBJ_ENDPOINT, .rights = CV_RIGHTS_ALL, .obj = obj};
}

static struct cte *new_cnode(unsigned radix, struct cap *cap)
{
    struct cte *s = calloc((size_t)1 << radix, sizeof(struct cte));
    *cap = (struct cap){
        .type = CV_OBJ_CNODE, .size_bits = (uint8_t)radix, .obj = (uint64_t)(uintptr_t)s};
    return s;
}

static void copy(struct cte *dst, struct cte *src)
{
    struct cap c;
    CHECK(cap_derive(&src->cap, CV_RIGHTS_ALL, 0, false, &c) == CV_OK);
    cte_insert(dst, &c, src);
}

static void test_copy_delete_final(void)
{
    struct cte s[8] = {0};
    struct cap ut = {.type = CV_OBJ_UNTYPED, .size_bits = 20, .obj = 0x1000};
    cte_insert(&s[0], &ut, NULL);
    struct cap ep = ep_cap(0x2000);
    cte_insert(&s[1], &ep, &s[0]);
    copy(&s[2], &s[1]);
    copy(&s[3], &s[2]);
    memset(destroyed, 0, sizeof(destroyed));
    cte_delete(&s[1]); /* s[2] is promoted: object lives on */
    CHECK(destroyed[CV_OBJ_ENDPOINT] == 0);
    CHECK(s[2].parent == &s[0]);
    CHECK(s[3].parent == &s[2]);
    cte_delete(&s[2]);
    CHECK(destroyed[CV_OBJ_ENDPOINT] == 0);
    CHECK(s[3].parent == &s[0]);
    cte_delete(&s[3]); /* the last one */
    CHECK(destroyed[CV_OBJ_ENDPOINT] == 1);
    CHECK(s[0].child == NULL);
}

static void test_revoke(void)
{
    struct cte s[16] = {0};
    struct cap ut = {.type = CV_OBJ_UNTYPED, .size_bits = 20, .obj = 0x1000};
    cte_insert(&s[0], &ut, NULL);
    for (int i = 1; i <= 3; i++) {
        struct cap ep = ep_cap(0x2000 + (uint64_t)i * 64);
        cte_insert(&s[i], &ep, &s[0]);
        copy(&s[i + 4], &s[i]);
        copy(&s[i + 8], &s[i + 4]);
    }
    memset(destroyed, 0, sizeof(destroyed));
    cte_revoke(&s[0]);
    CHECK(destroyed[CV_OBJ_ENDPOINT] == 3);
    for (int i = 1; i < 16; i++)
        CHECK(cte_empty(&s[i]));
    CHECK(!cte_empty(&s[0]) && s[0].child == NULL);
}

static void test_untyped_children_move_up(void)
{
    struct cte s[4] = {0};
    struct cap big = {.type = CV_OBJ_UNTYPED, .size_bits = 20, .obj = 0x100000};
    struct cap small = {.type = CV_OBJ_UNTYPED, .size_bits = 16, .obj = 0x100000};
    cte_insert(&s[0], &big, NULL);
    cte_insert(&s[1], &small, &s[0]);
    struct cap ep = ep_cap(0x100000);
    cte_insert(&s[2], &ep, &s[1]);
    cte_delete(&s[1]); /* the endpoint stays, now under the big untyped */
    CHECK(s[2].parent == &s[0]);
    CHECK(!cte_empty(&s[2]));
}

static void test_move_keeps_tree(void)
{
    struct cte s[6] = {0};
    struct cap ep = ep_cap(0x3000);
    cte_insert(&s[0], &ep, NULL);
    copy(&s[1], &s[0]);
    copy(&s[2], &s[1]);
    cte_move(&s[4], &s[1]);
    CHECK(cte_empty(&s[1]));
    CHECK(s[4].parent == &s[0] && s[0].child == &s[4] && s[2].parent == &s[4]);
    cte_revoke(&s[0]);
    CHECK(cte_empty(&s[4]) && cte_empty(&s[2]));
}

static void test_derive_rules(void)
{
    struct cap ut = {.type = CV_OBJ_UNTYPED, .size_bits = 12};
    struct cap out;
    CHECK(cap_derive(&ut, CV_RIGHTS_ALL, 0, false, &out) == CV_E_NOT_DERIVABLE);
    struct cap ep = ep_cap(0x4000);
    CHECK(cap_derive(&ep, CV_RIGHT_READ, 7, true, &out) == CV_OK);
    CHECK(out.rights == CV_RIGHT_READ && out.data0 == 7);
    struct cap badged = out;
    CHECK(cap_derive(&badged, CV_RIGHTS_ALL, 8, true, &out) == CV_E_INVALID_ARG);
    CHECK(cap_derive(&badged, CV_RIGHTS_ALL, 7, true, &out) == CV_OK);
    CHECK(out.rights == CV_RIGHT_READ); /* rights never grow */
    struct cap frame = {.type = CV_OBJ_FRAME_4K, .rights = 3, .extra = 5, .data1 = 0x1000};
    CHECK(cap_derive(&frame, CV_RIGHTS_ALL, 0, false, &out) == CV_OK);
    CHECK(out.extra == 0 && out.data1 == 0); /* copies start unmapped */
    struct cap pt = {.type = CV_OBJ_PAGE_TABLE};
    CHECK(cap_derive(&pt, CV_RIGHTS_ALL, 0, false, &out) == CV_E_NOT_DERIVABLE);
}

/* A chain of cnodes, each holding the only cap to the next: deleting the
 * head must not recurse once per level (it would overflow a kernel stack). */
static void test_deep_cnode_chain(void)
{
    enum { DEPTH = 100000 };
    struct cte root[2] = {0};
    struct cap c;
    struct cte *first = new_cnode(1, &c);
    cte_insert(&root[1], &c, NULL);
    struct cte *cur = first;
    static struct cte *all[DEPTH];
    all[0] = first;
    for (int i = 1; i < DEPTH; i++) {
        struct cte *n = new_cnode(1, &c);
        cte_insert(&cur[1], &c, NULL);
        cur = n;
        all[i] = n;
    }
    memset(destroyed, 0, sizeof(destroyed));
    cte_delete(&root[1]);
    CHECK(destroyed[CV_OBJ_CNODE] == DEPTH);
    CHECK(cte_empty(&root[1]));
    for (int i = 0; i < DEPTH; i++)
        free(all[i]);
}

/* A cnode holding a cap to itself, deleted from outside. */
static void test_self_cycle(void)
{
    struct cte outside[2] = {0};
    struct cap c;
    struct cte *cn = new_cnode(2, &c);
    cte_insert(&outside[1], &c, NULL);
    copy(&cn[1], &outside[1]);
    memset(destroyed, 0, sizeof(destroyed));
    cte_delete(&outside[1]); /* not the last: the copy inside remains */
    CHECK(destroyed[CV_OBJ_CNODE] == 0);
    CHECK(cn[1].parent == NULL && cn[1].cap.type == CV_OBJ_CNODE);
    free(cn);
}

int main(void)
{
    test_copy_delete_final();
    test_revoke();
    test_untyped_children_move_up();
    test_move_keeps_tree();
    test_derive_rules();
    test_deep_cnode_chain();
    test_self_cycle();
    printf("test_cap: %s\n", failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
