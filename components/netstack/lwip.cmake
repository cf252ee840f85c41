# lwIP's sources netstack builds (the core, IPv4, Ethernet: docs/netstack.md),
# shared by the component's build and its host test (tests/host,
# test_ringif). lwIP's unpacked source is in CV_LWIP_DIR (scripts/setup.sh).
set(CV_LWIP_DIR /opt/capvisor/lwip CACHE PATH "lwIP's unpacked source (scripts/setup.sh)")
set(CV_LWIP_FOUND OFF)
if(EXISTS ${CV_LWIP_DIR}/src/include/lwip/init.h)
  set(CV_LWIP_FOUND ON)
endif()
set(lwip_src ${CV_LWIP_DIR}/src)
set(CV_LWIP_INCLUDES ${CMAKE_CURRENT_LIST_DIR}/port ${lwip_src}/include)
set(CV_LWIP_SOURCES
  ${lwip_src}/core/init.c ${lwip_src}/core/def.c ${lwip_src}/core/inet_chksum.c
  ${lwip_src}/core/ip.c ${lwip_src}/core/mem.c ${lwip_src}/core/memp.c ${lwip_src}/core/netif.c
  ${lwip_src}/core/pbuf.c ${lwip_src}/core/stats.c ${lwip_src}/core/sys.c ${lwip_src}/core/tcp.c
  ${lwip_src}/core/tcp_in.c ${lwip_src}/core/tcp_out.c ${lwip_src}/core/timeouts.c
  ${lwip_src}/core/udp.c ${lwip_src}/core/ipv4/etharp.c ${lwip_src}/core/ipv4/icmp.c
  ${lwip_src}/core/ipv4/ip4.c ${lwip_src}/core/ipv4/ip4_addr.c ${lwip_src}/core/ipv4/ip4_frag.c
  ${lwip_src}/netif/ethernet.c)
