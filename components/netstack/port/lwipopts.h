/*
 * lwIP's configuration for netstack (docs/netstack.md): NO_SYS (one
 * thread, the raw callback API, no OS layer), IPv4 only, static memory:
 * lwIP's own heap (MEM_SIZE, a static array) and pools, nothing from
 * malloc. Every bound here is a bound on what a peer can make the
 * component hold. Options not set keep lwIP's defaults (lwip/opt.h).
 */
#ifndef NETSTACK_LWIPOPTS_H
#define NETSTACK_LWIPOPTS_H

/* One thread, raw API only. */
#define NO_SYS               1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN         0
#define LWIP_SOCKET          0
#define LWIP_TIMERS          1

/* IPv4 with ARP, ICMP echo, UDP and TCP; nothing else. */
#define LWIP_IPV4                     1
#define LWIP_IPV6                     0
#define LWIP_ARP                      1
#define LWIP_ETHERNET                 1
#define LWIP_ICMP                     1
#define LWIP_RAW                      0
#define LWIP_UDP                      1
#define LWIP_TCP                      1
#define LWIP_DHCP                     0
#define LWIP_AUTOIP                   0
#define LWIP_IGMP                     0
#define LWIP_DNS                      0
#define IP_FORWARD                    0
#define IP_REASSEMBLY                 0 /* fragments are dropped (and counted): nothing here needs them */
#define IP_FRAG                       0
#define LWIP_NETIF_LOOPBACK           0
#define LWIP_HAVE_LOOPIF              0
#define LWIP_SINGLE_NETIF             1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#define ARP_TABLE_SIZE                8
#define ARP_QUEUEING                  0 /* the last packet per unresolved entry waits, no queue */

/* Memory: lwIP's heap for outgoing data it copies, pools for the rest. */
#define MEM_LIBC_MALLOC         0
#define MEMP_MEM_MALLOC         0
#define MEM_ALIGNMENT           8
#define MEM_SIZE                (256 * 1024)
#define PBUF_POOL_SIZE          128 /* received frames held: in flight, out of order */
#define PBUF_POOL_BUFSIZE       1536
#define MEMP_NUM_PBUF           32
#define MEMP_NUM_UDP_PCB        2
#define MEMP_NUM_TCP_PCB        8 /* connections at once, all services */
#define MEMP_NUM_TCP_PCB_LISTEN 2
#define MEMP_NUM_TCP_SEG        128
#define MEMP_NUM_SYS_TIMEOUT    8

/* TCP: a full-size segment per frame, a window of 32 of them. */
#define TCP_MSS                    1460
#define TCP_WND                    (32 * TCP_MSS)
#define TCP_SND_BUF                (32 * TCP_MSS)
#define TCP_SND_QUEUELEN           (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ            1
#define TCP_OOSEQ_MAX_PBUFS        32 /* out-of-order segments held per connection */
#define TCP_LISTEN_BACKLOG         1
#define TCP_DEFAULT_LISTEN_BACKLOG 4
#define LWIP_TCP_KEEPALIVE         0

/* Checksums in software, both ways (the switch carries frames as they are). */
#define CHECKSUM_GEN_IP     1
#define CHECKSUM_GEN_UDP    1
#define CHECKSUM_GEN_TCP    1
#define CHECKSUM_GEN_ICMP   1
#define CHECKSUM_CHECK_IP   1
#define CHECKSUM_CHECK_UDP  1
#define CHECKSUM_CHECK_TCP  1
#define CHECKSUM_CHECK_ICMP 1

/* Counters for the status lines (lwip_stats), no debug output. */
#define LWIP_STATS         1
#define LWIP_STATS_DISPLAY 0
#define LINK_STATS         1
#define ETHARP_STATS       1
#define IP_STATS           1
#define ICMP_STATS         1
#define UDP_STATS          1
#define TCP_STATS          1
#define MEM_STATS          1
#define MEMP_STATS         1
#define SYS_STATS          0
#define LWIP_DEBUG         0

#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK   0

#endif /* NETSTACK_LWIPOPTS_H */
