/*
 * A virtio-net device's port on a virtual switch (components/vswitch,
 * docs/vswitch.md "The VMM's side"): the device named NAME in the VM's
 * description is plugged into the switch when the VMM has a dataport
 * interface NAME (the port's two frame rings, cap/fring.h) and a
 * notification NAME_kick (the switch's). The switch wakes the VMM through
 * the one notification its thread waits on (console.c): `serial_signal`
 * when the VM's console goes to the serial server (the description routes
 * the switch's signal there too), else NAME_signal.
 *
 * Frames the guest sends are copied into the to_switch ring and published
 * once per notification's worth, with a kick only when the switch sleeps;
 * a full ring holds the transmit queue (the guest waits) until the switch
 * frees room and signals. Frames in the to_vm ring go into the guest's
 * receive buffers, one interrupt per batch; while the guest has none they
 * wait in the ring (the switch drops what no longer fits).
 *
 * A device with neither interface is unplugged: what the guest sends is
 * dropped and counted, nothing arrives.
 */
#ifndef VMM_NETPORT_H
#define VMM_NETPORT_H

#include <stdbool.h>

#include "vm.h"

/** The virtio-net backend of device v: the port's, or the unplugged one's. */
extern const struct virtio_net_backend netport_backend;

/**
 * Opens device v's port if the description gives it one. False, the
 * reason printed, if it gives half a port or one the VMM cannot use.
 */
bool netport_open(struct vm_virtio *v);

/**
 * The notification for port signals: NAME_signal of the VM's first port
 * that has one (0 if none). The VMM binds it when it has no serial link.
 */
uint64_t netport_signal(struct vm *vm);

/**
 * Checks that no port brings a signal the VMM will not wait on (bound:
 * the notification its thread waits on). False, the reason printed.
 */
bool netport_check_signal(struct vm *vm, uint64_t bound);

/** The switch signalled (or may have): frames for the guests, room for their frames. */
void netport_poll(struct vm *vm);

#endif /* VMM_NETPORT_H */
