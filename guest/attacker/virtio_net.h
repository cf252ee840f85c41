/*
 * attacker: its attacks on the VMM's virtio-net devices (virtio_net.c).
 */
#ifndef ATTACKER_VIRTIO_NET_H
#define ATTACKER_VIRTIO_NET_H

/**
 * Sends bad chains on evilnet0 and gives bad receive buffers to evilnet1
 * (vm1's two ports of one switch), checks each case's outcome at the
 * other end and prints one line per case and a count.
 */
void attack_virtio_net(void);

#endif /* ATTACKER_VIRTIO_NET_H */
