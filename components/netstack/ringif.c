/*
 * The netif over a switch port (ringif.h). lwIP calls ringif_output for
 * each frame; it is staged in the next free slot and published by the
 * main loop's ringif_flush (one head write and at most one kick a batch).
 * A frame in is checked for its length and destination, copied out of its
 * slot once (the switch could rewrite the slot: lwIP only ever reads the
 * copy) and handed to ethernet_input.
 */
#include <string.h>

#include <cap/ipc.h>
#include <cap/time.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#include "ringif.h"

/** A free slot, waiting up to RINGIF_TX_WAIT_MS for the switch to make room; NULL if none. */
static uint8_t *ringif_slot(struct ringif *rif)
{
    uint8_t *buf = fring_stage_buf(&rif->tx);
    uint64_t deadline = 0, word;
    while (!buf) {
        ringif_flush(rif);
        if (!deadline)
            deadline = cv_now() + cv_timer_freq() / 1000u * RINGIF_TX_WAIT_MS;
        if (cv_now() >= deadline)
            return NULL;
        if (fring_prod_wait(&rif->tx))
            (void)cv_wait_until(rif->signal, deadline, &word);
        buf = fring_stage_buf(&rif->tx);
    }
    return buf;
}

/** lwIP's linkoutput: one frame (a pbuf chain) into the ring. */
static err_t ringif_output(struct netif *netif, struct pbuf *p)
{
    struct ringif *rif = (struct ringif *)netif;
    if (p->tot_len > FRING_FRAME_MAX || p->tot_len < FRING_FRAME_MIN) {
        rif->count.tx_long++;
        return ERR_IF;
    }
    uint8_t *buf = ringif_slot(rif);
    if (!buf) {
        rif->count.tx_full++;
        LINK_STATS_INC(link.drop);
        return ERR_MEM;
    }
    (void)pbuf_copy_partial(p, buf, p->tot_len, 0);
    (void)fring_stage(&rif->tx, p->tot_len);
    rif->count.tx++;
    rif->count.tx_bytes += p->tot_len;
    LINK_STATS_INC(link.xmit);
    return ERR_OK;
}

/** lwIP's netif init: an Ethernet interface of the ring's frame size. */
static err_t ringif_netif_init(struct netif *netif)
{
    netif->name[0] = 's';
    netif->name[1] = 'w';
    netif->output = etharp_output;
    netif->linkoutput = ringif_output;
    netif->mtu = FRING_FRAME_MAX - SIZEOF_ETH_HDR;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    return ERR_OK;
}

bool ringif_open(struct ringif *rif, void *mem, size_t size, uint64_t kick, uint64_t signal,
                 const uint8_t mac[6], const ip4_addr_t *ip, const ip4_addr_t *netmask)
{
    if (!fring_port_open(mem, size, FRING_SIDE_VM, &rif->tx, &rif->rx))
        return false;
    rif->kick = kick;
    rif->signal = signal;
    memcpy(rif->netif.hwaddr, mac, ETH_HWADDR_LEN);
    if (!netif_add(&rif->netif, ip, netmask, IP4_ADDR_ANY4, NULL, ringif_netif_init,
                   ethernet_input))
        return false;
    netif_set_default(&rif->netif);
    netif_set_link_up(&rif->netif);
    netif_set_up(&rif->netif);
    return true;
}

/** Whether a frame of len bytes at data is one to take: a whole header, for us or a group. */
static bool ringif_check(struct ringif *rif, const uint8_t *data, uint32_t len)
{
    if (!data || len < SIZEOF_ETH_HDR) {
        rif->count.rx_malformed++;
        return false;
    }
    if (!(data[0] & 1u) && memcmp(data, rif->netif.hwaddr, ETH_HWADDR_LEN) != 0) {
        rif->count.rx_not_mine++;
        return false;
    }
    return true;
}

/** One frame from its slot into a pbuf and up to lwIP. */
static void ringif_take(struct ringif *rif, const struct fring_frame *f)
{
    LINK_STATS_INC(link.recv);
    if (!ringif_check(rif, f->data, f->len)) {
        LINK_STATS_INC(link.drop);
        return;
    }
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)f->len, PBUF_POOL);
    if (!p) {
        rif->count.rx_nomem++;
        LINK_STATS_INC(link.memerr);
        return;
    }
    (void)pbuf_take(p, f->data, (u16_t)f->len);
    rif->count.rx++;
    rif->count.rx_bytes += f->len;
    if (rif->netif.input(p, &rif->netif) != ERR_OK)
        pbuf_free(p);
}

unsigned ringif_input(struct ringif *rif)
{
    struct fring_frame f;
    unsigned n = 0;
    while (n < RINGIF_BUDGET && fring_get(&rif->rx, &f)) {
        ringif_take(rif, &f);
        n++;
    }
    if (fring_release(&rif->rx))
        cv_signal(rif->kick);
    return n;
}

void ringif_flush(struct ringif *rif)
{
    if (fring_publish(&rif->tx))
        cv_signal(rif->kick);
}

bool ringif_idle(struct ringif *rif)
{
    return fring_cons_wait(&rif->rx);
}
