/*
 * Host unit test of the generic kernel (kernel/src) on the fake
 * architecture (kernel/arch/fake): system call decode and its error codes,
 * IPC on the fast and the general path, notifications, the scheduler's
 * choices, a thread stopped while it entered, and a vCPU's emulated device
 * access from exit record to completed load. The test plays the hardware:
 * it puts a thread's registers and a syndrome in place, enters the kernel
 * and looks at which thread the kernel returns to, with what registers.
 * Objects live in host memory (the fake's physical memory is the host's).
 */
#include "test_vmm.h" /* CHECK */

#include <arch/fake.h>
#include <kernel/cap.h>
#include <kernel/core.h>
#include <kernel/endpoint.h>
#include <kernel/lock.h>
#include <kernel/object.h>
#include <kernel/sched.h>
#include <kernel/tcb.h>
#include <kernel/vcpu.h>

#define EXPECTED_CASES 16

static int cases;

/* ---- memory and objects, made as the kernel's boot does ---- */

#define RAM_BITS   24u /* 16 MiB of "physical" memory */
#define ROOT_RADIX 8u  /* 256 slots */

static uint8_t *ram;
static uint64_t ram_used;
static struct cte *root_cn;
static struct core *c0;

static paddr_t alloc(uint32_t bits)
{
    uint64_t size = 1ull << bits;
    ram_used = ROUND_UP(ram_used, size);
    if (ram_used + size > (1ull << RAM_BITS)) {
        printf("FAIL: test RAM exhausted\n");
        exit(1);
    }
    paddr_t pa = ptr_pa(ram + ram_used);
    ram_used += size;
    return pa;
}

/* A new object of `type` in root slot `slot`; returns the object. */
static void *make(uint32_t slot, uint32_t type, uint32_t size_bits)
{
    struct cap cap;
    obj_init(type, size_bits, alloc(obj_size_bits(type, size_bits)), false, &cap);
    cte_insert(&root_cn[slot], &cap, NULL);
    return pa_ptr(PA(cap.obj));
}

/* Copies root slot `src` into slot `dst` with `rights` and `badge`. */
static void mint(uint32_t dst, uint32_t src, uint8_t rights, uint64_t badge)
{
    struct cap cap;
    CHECK(cap_derive(&root_cn[src].cap, rights, badge, badge != 0, &cap) == CV_OK);
    cte_insert(&root_cn[dst], &cap, &root_cn[src]);
}

static void tcb_give(struct tcb *t, enum tcb_slot which, uint32_t src)
{
    struct cap cap;
    CHECK(cap_derive(&root_cn[src].cap, CV_RIGHTS_ALL, 0, false, &cap) == CV_OK);
    cte_insert(&t->slot[which], &cap, &root_cn[src]);
}

/* Root slots. */
enum {
    S_CNODE = 1,
    S_VSPACE,
    S_ROOT,
    S_ROOT_IPCBUF,
    S_EP,
    S_EP_RO, /* S_EP without the write right */
    S_EP_BADGED,
    S_NTFN,
    S_NTFN2,
    S_NTFN3,
    S_FRAME,
    S_GUEST_VS,
    S_VCPU,
    S_VMM_EP,
    S_GUEST_EP,
    S_IDLE_NTFN,    /* case_fpu_idle_moved_back's */
    S_THREADS = 32, /* tcbs, then their IPC buffers at +64 */
};

/* A native thread in the root's cspace and vspace, with its IPC buffer. */
static struct tcb *thread(uint32_t n, uint32_t prio)
{
    struct tcb *t = make(S_THREADS + n, CV_OBJ_TCB, 0);
    make(S_THREADS + 64 + n, CV_OBJ_FRAME_4K, 0);
    tcb_give(t, TCB_SLOT_CSPACE, S_CNODE);
    tcb_give(t, TCB_SLOT_VSPACE, S_VSPACE);
    tcb_give(t, TCB_SLOT_IPCBUF, S_THREADS + 64 + n);
    t->prio = prio;
    snprintf(t->name, TCB_NAME_LEN, "t%u", n);
    return t;
}

/* ---- driving the kernel ---- */

/* The thread running now: the kernel returned to it. */
static struct tcb *running(void)
{
    return c0->cur;
}

/* Makes `t` runnable, as TCB_RESUME does, and lets the kernel choose. */
static enum fake_stop start(struct tcb *t)
{
    lock_acquire(&kernel_lock);
    sched_wake(t);
    return fake_run(c0, kernel_exit);
}

/* The thread `t` running on core `c` executes `svc` for system call `num`. */
static enum fake_stop sys_on(struct core *c, struct tcb *t, uint64_t num, uint64_t x0,
                             uint64_t info, const uint64_t *mr)
{
    CHECK(c->cur == t);
    if (c->cur != t)
        return FAKE_HALTED; /* not an entry the hardware could make */
    t->regs.x[7] = num;
    t->regs.x[0] = x0;
    t->regs.x[1] = info;
    for (uint32_t i = 0; i < CV_MSG_REGS; i++)
        t->regs.x[2 + i] = mr ? mr[i] : 0;
    t->regs.pc += 4; /* the exception return address is past the svc */
    fake.esr = FAKE_EC_SVC;
    return fake_run(c, kernel_sync_from_user);
}

/* The same on core 0, where the cases run. */
static enum fake_stop sys(struct tcb *t, uint64_t num, uint64_t x0, uint64_t info,
                          const uint64_t *mr)
{
    return sys_on(c0, t, num, x0, info, mr);
}

static uint64_t label_of(const struct tcb *t)
{
    return CV_MSG_LABEL(t->regs.x[1]);
}

/* A Call that the kernel answers (an invocation): its result label. */
static uint64_t invoke(struct tcb *t, uint64_t cptr, uint64_t op, uint32_t len, const uint64_t *mr)
{
    sys(t, CV_SYS_CALL, cptr, CV_MSGINFO(op, 0, len), mr);
    CHECK(running() == t);
    return label_of(t);
}

static struct tcb *root;

/* The running vCPU thread `g` exits with the syndrome in fake.esr. */
static enum fake_stop guest_exit(struct tcb *g)
{
    CHECK(running() == g);
    return running() == g ? fake_run(c0, kernel_sync_from_user) : FAKE_HALTED;
}

static void setup(void)
{
    void *p = NULL;
    if (posix_memalign(&p, 1ull << RAM_BITS, 1ull << RAM_BITS)) {
        printf("FAIL: no memory\n");
        exit(1);
    }
    ram = p;
    memset(ram, 0, 1ull << RAM_BITS);
    core_count = 1;
    c0 = &cores[0];
    c0->online = true;
    arch_set_core(c0);
    fake.irq = ARCH_IRQ_SPURIOUS;
    c0->fpu_trapping = true;

    paddr_t cn = alloc(obj_size_bits(CV_OBJ_CNODE, ROOT_RADIX));
    root_cn = pa_ptr(cn);
    struct cap cap;
    obj_init(CV_OBJ_CNODE, ROOT_RADIX, cn, false, &cap);
    cte_insert(&root_cn[S_CNODE], &cap, NULL);
    make(S_VSPACE, CV_OBJ_VSPACE, 0);
    root = make(S_ROOT, CV_OBJ_TCB, 0);
    make(S_ROOT_IPCBUF, CV_OBJ_FRAME_4K, 0);
    tcb_give(root, TCB_SLOT_CSPACE, S_CNODE);
    tcb_give(root, TCB_SLOT_VSPACE, S_VSPACE);
    tcb_give(root, TCB_SLOT_IPCBUF, S_ROOT_IPCBUF);
    root->prio = 100;
    memcpy(root->name, "root", 5);
    make(S_EP, CV_OBJ_ENDPOINT, 0);
    mint(S_EP_RO, S_EP, CV_RIGHT_READ, 0);
    mint(S_EP_BADGED, S_EP, CV_RIGHTS_ALL, 0x77);
    make(S_NTFN, CV_OBJ_NOTIFICATION, 0);
    make(S_NTFN2, CV_OBJ_NOTIFICATION, 0);
    make(S_NTFN3, CV_OBJ_NOTIFICATION, 0);
    make(S_IDLE_NTFN, CV_OBJ_NOTIFICATION, 0);
    make(S_FRAME, CV_OBJ_FRAME_4K, 0);
}

/* ---- cases ---- */

static void case_boot(void)
{
    CHECK(start(root) == FAKE_RAN_USER);
    CHECK(running() == root && fake.ran == &root->regs);
}

/* The lookup and type errors of the general path, each precise. */
static void case_decode_errors(void)
{
    CHECK(invoke(root, 200, 1, 0, NULL) == CV_E_INVALID_CAP);      /* empty slot */
    CHECK(invoke(root, 1u << 20, 1, 0, NULL) == CV_E_INVALID_CAP); /* past the cnode */
    uint64_t index[4] = {20};
    CHECK(invoke(root, S_CNODE, 9999, 1, index) == CV_E_INVALID_OP);
    CHECK(invoke(root, S_CNODE, CV_OP_CNODE_COPY, 0, NULL) == CV_E_INVALID_ARG);
    sys(root, CV_SYS_RECV, S_FRAME, 0, NULL);
    CHECK(running() == root && label_of(root) == CV_E_WRONG_TYPE);
    sys(root, CV_SYS_SEND, S_EP_RO, CV_MSGINFO(1, 0, 0), NULL);
    CHECK(running() == root && label_of(root) == CV_E_NO_RIGHTS);
    sys(root, CV_SYS_NBRECV, S_NTFN, 0, NULL);
    CHECK(running() == root && label_of(root) == CV_E_WOULD_BLOCK);
}

/* An invocation's arguments: checked first, then done. */
static void case_tcb_priority(void)
{
    struct tcb *t = thread(0, 10);
    uint64_t mr[4] = {256};
    CHECK(invoke(root, S_THREADS, CV_OP_TCB_SET_PRIORITY, 1, mr) == CV_E_INVALID_ARG);
    CHECK(t->prio == 10);
    CHECK(invoke(root, S_THREADS, CV_OP_TCB_SET_PRIORITY, 0, mr) == CV_E_INVALID_ARG);
    mr[0] = 42;
    CHECK(invoke(root, S_THREADS, CV_OP_TCB_SET_PRIORITY, 1, mr) == CV_OK);
    CHECK(t->prio == 42);
    CHECK(invoke(root, S_THREADS, CV_OP_TCB_GET_CORE, 0, NULL) == CV_OK);
    CHECK(CV_MSG_LEN(root->regs.x[1]) == 1 && root->regs.x[2] == 0);
}

/* A server that outranks the client: Call and ReplyRecv, `len` words. */
static void call_round_trip(struct tcb *server, uint32_t len)
{
    struct cv_ipcbuf *rb = pa_ptr(PA(root_cn[S_ROOT_IPCBUF].cap.obj));
    uint64_t mr[4] = {11, 22, 33, 44};
    for (uint32_t i = CV_MSG_REGS; i < len; i++)
        rb->mr[i] = 100 + i;
    sys(root, CV_SYS_CALL, S_EP_BADGED, CV_MSGINFO(5, 0, len), mr);
    CHECK(running() == server);
    CHECK(server->regs.x[0] == 0x77 && label_of(server) == 5);
    CHECK(CV_MSG_LEN(server->regs.x[1]) == len);
    for (uint32_t i = 0; i < len && i < CV_MSG_REGS; i++)
        CHECK(server->regs.x[2 + i] == mr[i]);
    struct cv_ipcbuf *sb = tcb_ipcbuf(server);
    for (uint32_t i = CV_MSG_REGS; i < len; i++)
        CHECK(sb->mr[i] == 100 + i);
    CHECK(root->state == TS_BLOCKED_REPLY);
    uint64_t reply[4] = {server->regs.x[2] + 1};
    sys(server, CV_SYS_REPLYRECV, S_EP, CV_MSGINFO(0, 0, 1), reply);
    CHECK(running() == root);
    CHECK(label_of(root) == 0 && CV_MSG_LEN(root->regs.x[1]) == 1 && root->regs.x[2] == 12);
    CHECK(server->state == TS_BLOCKED_RECV);
}

/* Registers only: the fast path; six words: the general one. Same result. */
static void case_call_reply(void)
{
    struct tcb *server = thread(1, 150);
    start(server);
    CHECK(running() == server);
    sys(server, CV_SYS_RECV, S_EP, 0, NULL);
    CHECK(running() == root && server->state == TS_BLOCKED_RECV);
    call_round_trip(server, 2);
    call_round_trip(server, 6);
    call_round_trip(server, 4);
}

/* A waiter that outranks the signaller runs at once; the signaller keeps
 * its place at the head of its queue. */
static void case_signal_switch(void)
{
    struct tcb *w = thread(2, 150);
    start(w);
    sys(w, CV_SYS_RECV, S_NTFN, 0, NULL);
    CHECK(running() == root && w->state == TS_BLOCKED_NTFN);
    sys(root, CV_SYS_SEND, S_NTFN, 0, NULL);
    CHECK(running() == w && w->regs.x[0] == 1 && label_of(w) == CV_OK);
    CHECK(root->state == TS_RUNNABLE && c0->ready_head[root->prio] == root);
    sys(w, CV_SYS_RECV, S_NTFN, 0, NULL); /* blocks again */
    CHECK(running() == root && label_of(root) == CV_OK);
}

/* A waiter below the signaller waits its turn; a word set is taken at once. */
static void case_signal_no_switch(void)
{
    struct tcb *w = thread(3, 50);
    start(w);
    CHECK(running() == root);                 /* it is below root: queued, not run */
    sys(root, CV_SYS_SEND, S_NTFN2, 0, NULL); /* no waiter: the word */
    CHECK(running() == root && label_of(root) == CV_OK);
    sys(root, CV_SYS_RECV, S_NTFN2, 0, NULL);
    CHECK(running() == root && root->regs.x[0] == 1 && label_of(root) == CV_OK);
    /* root blocks on an empty notification: the one below it runs */
    sys(root, CV_SYS_RECV, S_NTFN3, 0, NULL);
    CHECK(running() == w && root->state == TS_BLOCKED_NTFN);
    sys(w, CV_SYS_SEND, S_NTFN3, 0, NULL); /* wakes root, which outranks it */
    CHECK(running() == root && root->regs.x[0] == 1);
    CHECK(w->state == TS_RUNNABLE);
}

/* A thread that outranks the caller became ready without this core being
 * told yet (woken from another core, its IPI still on the way): a signal
 * that wakes nobody still lets the scheduler run it first. */
static void case_signal_defers(void)
{
    struct tcb *x = thread(10, 180);
    x->state = TS_RUNNABLE;
    sched_enqueue(x);
    c0->resched = false; /* as if the kick had not arrived */
    sys(root, CV_SYS_SEND, S_NTFN2, 0, NULL);
    CHECK(running() == x && root->state == TS_RUNNABLE);
    sys(x, CV_SYS_RECV, S_NTFN2, 0, NULL); /* takes the word */
    CHECK(running() == x && x->regs.x[0] == 1);
    sys(x, CV_SYS_RECV, S_NTFN2, 0, NULL); /* blocks */
    CHECK(running() == root && label_of(root) == CV_OK);
}

/* Equal priorities: FIFO, and yield goes to the back. */
static void case_yield_fifo(void)
{
    struct tcb *a = thread(4, 100), *b = thread(5, 100);
    start(a);
    start(b);
    CHECK(running() == root);
    sys(root, CV_SYS_YIELD, 0, 0, NULL);
    CHECK(running() == a);
    sys(a, CV_SYS_YIELD, 0, 0, NULL);
    CHECK(running() == b);
    sys(b, CV_SYS_YIELD, 0, 0, NULL);
    CHECK(running() == root);
    /* out of the way of the cases below */
    sched_dequeue(a);
    sched_dequeue(b);
    a->state = b->state = TS_INACTIVE;
}

/* An unknown system call is a fault, delivered to the fault endpoint with
 * the pc of the svc; the faulting thread waits for the reply. */
static void case_unknown_syscall(void)
{
    struct tcb *h = thread(6, 200), *f = thread(7, 120);
    make(S_VMM_EP, CV_OBJ_ENDPOINT, 0);
    tcb_give(f, TCB_SLOT_FAULT_EP, S_VMM_EP);
    start(h);
    sys(h, CV_SYS_RECV, S_VMM_EP, 0, NULL);
    start(f);
    CHECK(running() == f);
    f->regs.pc = 0x40000;
    sys(f, 99, 0, 0, NULL);
    CHECK(running() == h && label_of(h) == CV_FAULT_UNKNOWN_SYSCALL);
    CHECK(h->regs.x[2] == 0x40000 && h->regs.x[3] == 99);
    CHECK(f->state == TS_BLOCKED_REPLY);
    /* the handler leaves it there and waits again: root runs */
    sys(h, CV_SYS_RECV, S_VMM_EP, 0, NULL);
    CHECK(running() == root);
}

/* A thread another core stopped while it entered: its call is not done,
 * and the svc runs again when it is resumed. */
static void case_stopped_while_entering(void)
{
    uint64_t word_before = ((struct notification *)pa_ptr(PA(root_cn[S_NTFN].cap.obj)))->word;
    root->regs.pc = 0x5000;
    root->regs.x[7] = CV_SYS_SEND;
    root->regs.x[0] = S_NTFN;
    root->regs.pc += 4;
    root->state = TS_INACTIVE; /* as tcb_suspend from another core leaves it */
    fake.esr = FAKE_EC_SVC;
    CHECK(fake_run(c0, kernel_sync_from_user) == FAKE_RAN_USER);
    CHECK(running() != root);
    CHECK(root->regs.pc == 0x5000);
    CHECK(((struct notification *)pa_ptr(PA(root_cn[S_NTFN].cap.obj)))->word == word_before);
    /* resumed, it runs from the svc again (nothing below root is due) */
    CHECK(start(root) == FAKE_RAN_USER && running() == root && root->regs.pc == 0x5000);
}

/* The ready bitmap's O(1) tests against a scan of the queues, over random
 * enqueues and dequeues on another core (core 1: nothing runs there). */
static void case_ready_bitmap(void)
{
    struct tcb *t = calloc(64, sizeof(*t));
    const struct core *q = &cores[1];
    unsigned seed = 1;
    core_count = 2;
    for (int round = 0; round < 4000; round++) {
        seed = seed * 1103515245u + 12345u;
        struct tcb *x = &t[(seed >> 8) % 64];
        x->affinity = 1;
        if (x->in_ready_queue) {
            sched_dequeue(x);
        } else {
            x->prio = (seed >> 16) % TCB_PRIO_COUNT;
            x->state = TS_RUNNABLE;
            sched_enqueue(x);
        }
        int high = -1;
        for (int p = TCB_PRIO_COUNT - 1; p >= 0 && high < 0; p--)
            if (q->ready_head[p])
                high = p;
        CHECK(sched_highest(q) == high);
        for (uint32_t p = 0; p < TCB_PRIO_COUNT; p += 5)
            CHECK(sched_ready_at_least(q, p) == (high >= (int)p));
    }
    for (int i = 0; i < 64; i++)
        sched_dequeue(&t[i]);
    CHECK(sched_highest(q) == -1 && q->ready_words == 0);
    core_count = 1;
    free(t);
}

/* Waking a thread of another core (core 1): an idle core (no current thread) or one running a
 * thread gets a reschedule IPI; one in the kernel with a current thread only its `resched` flag,
 * since it chooses before it leaves. */
static void case_resched_kick(void)
{
    struct tcb x = {.affinity = 1, .prio = 7, .state = TS_RUNNABLE};
    struct tcb other = {.affinity = 1};
    struct core *q = &cores[1];
    const struct {
        struct tcb *in_user, *cur;
        bool ipi;
    } states[] = {{NULL, &other, false}, {NULL, NULL, true}, {&other, &other, true}};
    core_count = 2;
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
        uint32_t ipis = fake.ipis[1];
        q->in_user = states[i].in_user;
        q->cur = states[i].cur;
        q->resched = false;
        sched_enqueue(&x);
        CHECK(fake.ipis[1] - ipis == (states[i].ipi ? 1u : 0u));
        CHECK(q->resched);
        sched_dequeue(&x);
    }
    q->in_user = q->cur = NULL;
    q->resched = false;
    core_count = 1;
}

/*
 * An idle core keeps its FP/SIMD owner's state unless another core needs it (fpu_idle). Here the
 * owner t is moved to core 1 while core 0 idles, picked there (it waits for its state:
 * TS_BLOCKED_FPU, an IPI to core 0) and moved back before core 0 saved it. Core 0, woken, saves
 * it on its way back to idle, which wakes t there: the core runs it rather than idle (without that
 * it slept until some other interrupt came).
 */
static void case_fpu_idle_moved_back(void)
{
    struct tcb *t = thread(13, 150), *u = thread(14, 160);
    struct core *c1 = &cores[1];
    uint64_t one[4] = {1};
    c1->index = 1;
    core_count = 2;
    CHECK(invoke(root, S_THREADS + 14, CV_OP_TCB_SET_AFFINITY, 1, one) == CV_OK);
    start(t);
    fake.esr = FAKE_EC_FP; /* its first FP/SIMD use: it owns core 0's registers */
    CHECK(fake_run(c0, kernel_sync_from_user) == FAKE_RAN_USER && running() == t);
    CHECK(t->fpu_core == 1);
    sys(t, CV_SYS_RECV, S_NTFN3, 0, NULL);
    CHECK(running() == root);
    start(u); /* queued on core 1 */
    CHECK(running() == root && c1->ready_head[u->prio] == u);
    /* t3 (case_signal_no_switch) is ready below root: it stops meanwhile */
    CHECK(invoke(root, S_THREADS + 3, CV_OP_TCB_SUSPEND, 0, NULL) == CV_OK);
    CHECK(sys(root, CV_SYS_RECV, S_IDLE_NTFN, 0, NULL) == FAKE_IDLE); /* core 0 idles, t's kept */
    CHECK(t->fpu_core == 1);
    lock_acquire(&kernel_lock);
    CHECK(fake_run(c1, kernel_exit) == FAKE_RAN_USER && c1->cur == u);
    sys_on(c1, u, CV_SYS_CALL, S_THREADS + 13, CV_MSGINFO(CV_OP_TCB_SET_AFFINITY, 0, 1), one);
    sys_on(c1, u, CV_SYS_SEND, S_NTFN3, 0, NULL); /* t: queued on core 1, below u */
    uint32_t ipis = fake.ipis[0];
    /* u stops; core 1 picks t, which waits for core 0 to save its state */
    CHECK(sys_on(c1, u, CV_SYS_CALL, S_THREADS + 14, CV_MSGINFO(CV_OP_TCB_SUSPEND, 0, 0), NULL) ==
          FAKE_IDLE);
    CHECK(t->state == TS_BLOCKED_FPU && fake.ipis[0] == ipis + 1);
    t->affinity = 0; /* moved back (TCB_SET_AFFINITY's whole effect on a thread in no queue) */
    lock_acquire(&kernel_lock); /* core 0 takes the IPI: idle_wait returns into kernel_exit */
    CHECK(fake_run(c0, kernel_exit) == FAKE_RAN_USER && running() == t);
    CHECK(t->state == TS_RUNNABLE && t->fpu_core == 0);
    sys(t, CV_SYS_SEND, S_IDLE_NTFN, 0, NULL);
    sys(t, CV_SYS_RECV, S_NTFN3, 0, NULL);
    CHECK(running() == root && label_of(root) == CV_OK);
    CHECK(invoke(root, S_THREADS + 3, CV_OP_TCB_RESUME, 0, NULL) == CV_OK);
    core_count = 1;
}

/*
 * A vCPU's device access: the exit record (pc, IPA, value, decoded access)
 * reaches its VMM; the VMM's answer completes the load (extended as the
 * access says) and the guest goes on after the instruction.
 */
static struct tcb *vmm_t, *guest_t; /* case_vcpu_mmio's, for case_vcpu_exit_order */

static void case_vcpu_mmio(void)
{
    struct tcb *vmm = thread(9, 200);
    make(S_GUEST_VS, CV_OBJ_VSPACE, 0);
    make(S_VCPU, CV_OBJ_VCPU, 0);
    make(S_GUEST_EP, CV_OBJ_ENDPOINT, 0);
    struct tcb *g = make(S_THREADS + 8, CV_OBJ_TCB, 0);
    tcb_give(g, TCB_SLOT_CSPACE, S_CNODE);
    tcb_give(g, TCB_SLOT_VSPACE, S_GUEST_VS);
    tcb_give(g, TCB_SLOT_FAULT_EP, S_GUEST_EP);
    g->prio = 130;
    uint64_t mr[4] = {S_VCPU};
    uint64_t bound = invoke(root, S_THREADS + 8, CV_OP_TCB_BIND_VCPU, 1, mr);
    CHECK(bound == CV_OK);
    if (bound != CV_OK)
        printf("bind: error %llu\n", (unsigned long long)bound);
    CHECK(g->vcpu != NULL);
    start(vmm);
    sys(vmm, CV_SYS_RECV, S_GUEST_EP, 0, NULL);
    g->regs.spsr = 0x5; /* EL1h */
    CHECK(start(g) == FAKE_RAN_GUEST && running() == g);

    /* LDR W3, [device]: a 4-byte load into a W register */
    g->regs.pc = 0x8000;
    fake.ipa = 0x9000010;
    fake.esr = FAKE_EC_DABT | FAKE_DA_LOG2W(2) | FAKE_DA_REG(3);
    CHECK(guest_exit(g) == FAKE_RAN_USER && running() == vmm);
    CHECK(label_of(vmm) == CV_FAULT_VM_DATA_ABORT && CV_MSG_LEN(vmm->regs.x[1]) == 4);
    CHECK(vmm->regs.x[2 + CV_VMEXIT_DA_PC] == 0x8000);
    CHECK(vmm->regs.x[2 + CV_VMEXIT_DA_IPA] == 0x9000010);
    uint64_t access = vmm->regs.x[2 + CV_VMEXIT_DA_ACCESS];
    CHECK(CV_DA_WIDTH(access) == 4 && CV_DA_REG(access) == 3 && !(access & CV_DA_WRITE));
    CHECK(CV_DA_SYNDROME(access) == (uint32_t)fake.esr);
    uint64_t value[4] = {0x1234567890abcdefull};
    sys(vmm, CV_SYS_REPLYRECV, S_GUEST_EP, CV_MSGINFO(CV_FAULT_VM_EMULATED, 0, 1), value);
    CHECK(running() == g && fake.ran == &g->regs);
    CHECK(g->regs.x[3] == 0x90abcdefull && g->regs.pc == 0x8004);

    /* LDRSH X4: sign-extended to 64 bits */
    fake.esr = FAKE_EC_DABT | FAKE_DA_LOG2W(1) | FAKE_DA_REG(4) | FAKE_DA_SIGNED | FAKE_DA_SF;
    CHECK(guest_exit(g) == FAKE_RAN_USER && running() == vmm);
    value[0] = 0x8001;
    sys(vmm, CV_SYS_REPLYRECV, S_GUEST_EP, CV_MSGINFO(CV_FAULT_VM_EMULATED, 0, 1), value);
    CHECK(running() == g && g->regs.x[4] == 0xffffffffffff8001ull && g->regs.pc == 0x8008);

    /* STR X5: the value travels in the record */
    g->regs.x[5] = 0xfeedface12345678ull;
    fake.esr = FAKE_EC_DABT | FAKE_DA_LOG2W(3) | FAKE_DA_REG(5) | FAKE_DA_WRITE | FAKE_DA_SF;
    CHECK(guest_exit(g) == FAKE_RAN_USER && running() == vmm);
    access = vmm->regs.x[2 + CV_VMEXIT_DA_ACCESS];
    CHECK(CV_DA_WIDTH(access) == 8 && (access & CV_DA_WRITE));
    CHECK(vmm->regs.x[2 + CV_VMEXIT_DA_VALUE] == 0xfeedface12345678ull);
    sys(vmm, CV_SYS_REPLYRECV, S_GUEST_EP, CV_MSGINFO(CV_FAULT_VM_EMULATED, 0, 0), NULL);
    CHECK(running() == g && g->regs.pc == 0x800c && g->regs.x[5] == 0xfeedface12345678ull);
    vmm_t = vmm;
    guest_t = g;
}

/*
 * The order a guest exit and its reply leave the core in, whichever path takes them: a thread
 * that outranks the VMM, ready here (woken from another core, its kick still on the way), runs
 * before the VMM gets the exit; one that outranks only the guest runs before the reply resumes
 * the guest. The fast paths take neither switch (they would run the VMM, then the guest).
 */
static void case_vcpu_exit_order(void)
{
    struct tcb *vmm = vmm_t, *g = guest_t, *x = thread(11, 210), *y = thread(12, 150);
    CHECK(vmm && g && running() == g);
    if (!vmm || !g || running() != g)
        return;
    x->state = TS_RUNNABLE;
    sched_enqueue(x);
    c0->resched = false;          /* as if the kick had not arrived */
    g->regs.x[0] = 0x84000000ull; /* HVC PSCI_VERSION */
    fake.esr = FAKE_EC_HVC;
    CHECK(guest_exit(g) == FAKE_RAN_USER && running() == x);
    CHECK(vmm->state == TS_RUNNABLE && g->state == TS_BLOCKED_REPLY);
    sys(x, CV_SYS_RECV, S_NTFN3, 0, NULL); /* x blocks: the VMM has the exit */
    CHECK(running() == vmm && label_of(vmm) == CV_FAULT_VM_HVC);
    CHECK(vmm->regs.x[2 + 2] == 0x84000000ull); /* MR2: the guest's x0 */

    y->state = TS_RUNNABLE;
    sched_enqueue(y);
    c0->resched = false;
    uint64_t version[4] = {0x10001};
    sys(vmm, CV_SYS_REPLYRECV, S_GUEST_EP, CV_MSGINFO(CV_FAULT_VM_EMULATED, 0, 1), version);
    CHECK(running() == y && g->state == TS_RUNNABLE && vmm->state == TS_BLOCKED_RECV);
    sys(y, CV_SYS_RECV, S_NTFN3, 0, NULL); /* y blocks: the guest goes on with its answer */
    CHECK(running() == g && g->regs.x[0] == 0x10001 && fake.ran == &g->regs);
}

/*
 * A WFI right behind an EOI the VMM asked to see (the LR's EOI flag, its state gone): the vCPU
 * must not wait before the VMM knows, whose vGIC may hold back the interrupt it waits for until
 * then. The WFI completes, and the maintenance exit reaches the VMM before the guest goes on.
 */
static void case_vcpu_eoi_then_wfi(void)
{
    struct tcb *vmm = vmm_t, *g = guest_t;
    CHECK(vmm && g && running() == g);
    if (!vmm || !g || running() != g)
        return;
    g->vcpu->lr[0] = (struct irqc_lr){.intid = 40, .flags = IRQC_LR_EOI}; /* EOI'd */
    g->regs.pc = 0x9000;
    fake.esr = FAKE_EC_WFI;
    CHECK(guest_exit(g) == FAKE_RAN_USER && running() == vmm);
    CHECK(label_of(vmm) == CV_FAULT_VM_MAINTENANCE && g->state == TS_BLOCKED_REPLY);
    CHECK(vmm->regs.x[2 + 1] == 1u); /* MR1: the LRs whose EOI came, LR 0 */
    sys(vmm, CV_SYS_REPLYRECV, S_GUEST_EP, CV_MSGINFO(CV_FAULT_RESUME, 0, 0), NULL);
    CHECK(running() == g && g->regs.pc == 0x9004); /* past the WFI */
}

int main(void)
{
    static void (*const all[])(void) = {
        case_boot,
        case_decode_errors,
        case_tcb_priority,
        case_call_reply,
        case_signal_switch,
        case_signal_no_switch,
        case_signal_defers,
        case_yield_fifo,
        case_unknown_syscall,
        case_stopped_while_entering,
        case_ready_bitmap,
        case_resched_kick,
        case_fpu_idle_moved_back,
        case_vcpu_mmio,
        case_vcpu_exit_order,
        case_vcpu_eoi_then_wfi,
    };
    setvbuf(stdout, NULL, _IONBF, 0);
    setup();
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        int before = test_failures;
        all[i]();
        cases++;
        if (test_failures != before)
            printf("case %zu failed\n", i);
    }
    if (cases != EXPECTED_CASES) {
        printf("FAIL: %d cases ran, %d expected\n", cases, EXPECTED_CASES);
        test_failures++;
    }
    if (test_failures)
        printf("kernel console:\n%.*s\n", (int)fake.log_len, fake.log);
    printf("test_kernel_generic: %d cases\n", cases);
    return test_done("test_kernel_generic");
}
