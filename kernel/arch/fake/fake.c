/*
 * The fake architecture's hooks (kernel/arch.h, vcpu.h, fpu.h): enough
 * "hardware" for the generic kernel to run in a host process. Each hook
 * records what the kernel asked for in `fake`; the ones that leave the
 * kernel (return to a thread, idle, halt) jump back into fake_run.
 */
#include <arch/fake.h>
#include <kernel/core.h>
#include <kernel/fpu.h>
#include <kernel/vcpu.h>
#include <setjmp.h>

struct fake_machine fake;
struct plat_info plat;

static struct core *fake_core;
static jmp_buf fake_exit;

enum fake_stop fake_run(struct core *c, void (*entry)(void))
{
    fake_core = c;
    int how = setjmp(fake_exit);
    if (how == 0)
        entry();
    return (enum fake_stop)how;
}

static __attribute__((noreturn)) void leave(enum fake_stop how)
{
    longjmp(fake_exit, (int)how);
}

/* ---- leaving the kernel ---- */
void arch_return_to_user(struct arch_regs *r)
{
    fake.ran = r;
    leave(FAKE_RAN_USER);
}

void arch_return_to_guest(struct arch_regs *r)
{
    fake.ran = r;
    leave(FAKE_RAN_GUEST);
}

void arch_idle_wait(void)
{
    fake.ran = NULL;
    leave(FAKE_IDLE);
}

void arch_halt(void)
{
    leave(FAKE_HALTED);
}

void arch_system_off(void)
{
    leave(FAKE_HALTED);
}

/* ---- cores ---- */
void arch_set_core(struct core *c)
{
    fake_core = c;
}

struct core *arch_core(void)
{
    return fake_core;
}

int arch_cpu_on(uint32_t core, uint64_t mpidr)
{
    (void)core;
    (void)mpidr;
    return -1;
}

/* ---- console ---- */
void arch_uart_init(paddr_t base, uint32_t kind)
{
    (void)base;
    (void)kind;
}

void arch_uart_putc(char c)
{
    if (fake.log_len < FAKE_LOG_SIZE - 1)
        fake.log[fake.log_len++] = c;
}

int arch_uart_getc(void)
{
    return -1;
}

void arch_uart_rx_irq_enable(void)
{
}

void arch_uart_rx_irq_ack(void)
{
}

void arch_uart_rx_irq_disable(void)
{
}

/* ---- address spaces ---- */
void arch_vspace_activate(paddr_t root, uint16_t vmid)
{
    (void)root;
    (void)vmid;
    fake.vspace_switches++;
}

void arch_tlb_flush_vmid(uint16_t vmid)
{
    (void)vmid;
    fake.tlb_flushes++;
}

void arch_tlb_flush_ipa(uint16_t vmid, uint64_t ipa)
{
    (void)vmid;
    (void)ipa;
    fake.tlb_flushes++;
}

void arch_pt_barrier(void)
{
}

void arch_dcache_clean_poc(const void *p, uint64_t len)
{
    (void)p;
    (void)len;
}

uint32_t arch_vmid_bits(void)
{
    return 8;
}

/* ---- interrupts ---- */
uint32_t arch_irq_ack(void)
{
    uint32_t irq = fake.irq;
    fake.irq = ARCH_IRQ_SPURIOUS;
    return irq;
}

void arch_irq_eoi(uint32_t irq)
{
    (void)irq;
    fake.eois++;
}

void arch_irq_enable(uint32_t irq)
{
    (void)irq;
}

void arch_irq_disable(uint32_t irq)
{
    (void)irq;
}

void arch_irq_set_target(uint32_t irq, uint32_t core)
{
    (void)irq;
    (void)core;
}

uint32_t arch_irq_max(void)
{
    return 255;
}

void arch_send_ipi(uint32_t core, uint32_t sgi)
{
    (void)sgi;
    if (core < FAKE_MAX_CORES)
        fake.ipis[core]++;
}

/* ---- time ---- */
uint64_t arch_timer_now(void)
{
    return fake.now;
}

uint64_t arch_timer_freq(void)
{
    return 62500000;
}

void arch_timer_set(uint64_t ticks)
{
    fake.timer_at = fake.now + ticks;
}

void arch_timer_cancel(void)
{
    fake.timer_at = 0;
}

/* ---- syndromes (arch/trap.h has the format) ---- */
uint64_t arch_read_esr(void)
{
    return fake.esr;
}

uint64_t arch_read_far(void)
{
    return fake.far;
}

uint64_t arch_insn_abort_ipa(void)
{
    return fake.ipa & ~0xfffull;
}

uint64_t arch_guest_fault_ipa(uint64_t esr)
{
    (void)esr;
    return fake.ipa;
}

void arch_trap_restart(struct arch_regs *r, uint64_t syndrome)
{
    if (FAKE_EC(syndrome) == FAKE_EC_SVC || FAKE_EC(syndrome) == FAKE_EC_HVC)
        r->pc -= 4; /* the pc was past the call, as on AArch64 */
}

void arch_load_done(struct arch_regs *r, uint64_t access, uint64_t value)
{
    uint32_t bits = 8 * CV_DA_WIDTH(access), rt = CV_DA_REG(access);
    if (bits && bits < 64) {
        uint64_t sign = 1ull << (bits - 1);
        value &= (sign << 1) - 1;
        if (access & CV_DA_SIGNED)
            value = (value ^ sign) - sign;
    }
    if (!(access & CV_DA_SF))
        value = (uint32_t)value;
    if (!(access & CV_DA_WRITE) && rt < 31)
        r->x[rt] = value;
    arch_regs_skip(r);
}

uint64_t arch_sysreg_value(const struct arch_regs *r, uint64_t syndrome)
{
    uint32_t rt = FAKE_REG_OF(syndrome);
    return (syndrome & FAKE_SYSREG_READ) || rt > 30 ? 0 : r->x[rt];
}

void arch_sysreg_read_done(struct arch_regs *r, uint64_t syndrome, uint64_t value)
{
    uint32_t rt = FAKE_REG_OF(syndrome);
    if (rt < 31)
        r->x[rt] = value;
    arch_regs_skip(r);
}

bool arch_sysreg_local(struct arch_regs *r, uint64_t syndrome)
{
    (void)r;
    (void)syndrome;
    return false;
}

void arch_call_args(const struct arch_regs *r, uint64_t *args, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        args[i] = r->x[i];
}

void arch_call_result(struct arch_regs *r, uint64_t value)
{
    r->x[0] = value;
}

/* ---- FP/SIMD ---- */
void arch_fpu_save(struct fpu_state *s)
{
    (void)s;
}

void arch_fpu_restore(const struct fpu_state *s)
{
    (void)s;
}

void arch_fpu_set_trap(bool trap)
{
    fake.fpu_trapped = trap;
}

void arch_fpu_init(void)
{
    fake.fpu_trapped = true;
}

/* ---- vCPUs ---- */
void arch_vcpu_init_core(void)
{
}

uint32_t arch_vcpu_lr_count(void)
{
    return 4;
}

void arch_vcpu_reset(struct vcpu *v)
{
    (void)v;
}

uint64_t *arch_vcpu_reg(struct vcpu *v, uint32_t i)
{
    return i < CV_VCPU_REG_COUNT ? &v->arch.reg[i] : NULL;
}

uint64_t arch_vcpu_timer_due(const struct vcpu *v, uint32_t timer)
{
    (void)v;
    (void)timer;
    return 0; /* the fake guest's timers never fire */
}

void arch_vcpu_save(struct vcpu *v, uint32_t lrs)
{
    (void)v;
    (void)lrs;
}

void arch_vcpu_restore(struct vcpu *v, uint32_t lrs, bool el1_live)
{
    (void)v;
    (void)lrs;
    (void)el1_live;
}

void arch_vcpu_set_lr(uint32_t i, const struct irqc_lr *lr)
{
    (void)i;
    (void)lr;
}

bool arch_vcpu_dbg_trap(struct vcpu *v, uint64_t syndrome)
{
    (void)v;
    (void)syndrome;
    return false;
}

bool arch_vcpu_id_reg(uint32_t crm, uint32_t op2, uint64_t *value)
{
    (void)crm;
    (void)op2;
    *value = 0;
    return false;
}

void arch_enter_guest_mode(void)
{
    fake.guest_mode = true;
}

void arch_enter_native_mode(void)
{
    fake.guest_mode = false;
}

uint64_t arch_read_cntvct(void)
{
    return fake.now;
}
