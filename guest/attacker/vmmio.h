/*
 * attacker: the virtio-mmio transport as a driver sees it (virtio 1.2
 * section 4.2.2 registers, section 2.1 status bits, section 2.7.5
 * descriptor flags), shared by the virtio-mmio attacks (virtio.c,
 * virtio_net.c).
 */
#ifndef ATTACKER_VMMIO_H
#define ATTACKER_VMMIO_H

/* virtio-mmio registers, section 4.2.2 */
#define MAGIC_VALUE         0x000u
#define VERSION             0x004u
#define DEVICE_ID           0x008u
#define VENDOR_ID           0x00cu
#define DEVICE_FEATURES     0x010u
#define DEVICE_FEATURES_SEL 0x014u
#define DRIVER_FEATURES     0x020u
#define DRIVER_FEATURES_SEL 0x024u
#define QUEUE_SEL           0x030u
#define QUEUE_NUM_MAX       0x034u
#define QUEUE_NUM           0x038u
#define QUEUE_READY         0x044u
#define QUEUE_NOTIFY        0x050u
#define INTERRUPT_STATUS    0x060u
#define INTERRUPT_ACK       0x064u
#define STATUS              0x070u
#define QUEUE_DESC          0x080u /* low word; the high word follows */
#define QUEUE_DRIVER        0x090u
#define QUEUE_DEVICE        0x0a0u
#define CONFIG_GENERATION   0x0fcu
#define CONFIG              0x100u

#define VERSION_1_HI 1u /* VIRTIO_F_VERSION_1 (bit 32): bit 0 of features word 1 */

/* Device status bits, section 2.1 */
#define S_ACK         1u
#define S_DRIVER      2u
#define S_DRIVER_OK   4u
#define S_FEATURES_OK 8u
#define S_NEEDS_RESET 64u
#define S_FEATURES    (S_ACK | S_DRIVER | S_FEATURES_OK) /* 0x0b */
#define S_LIVE        (S_FEATURES | S_DRIVER_OK)         /* 0x0f */

/* Interrupt status bits, section 4.2.2 */
#define ISR_QUEUE  1u
#define ISR_CONFIG 2u

/* Descriptor flags, section 2.7.5 */
#define NEXT     1u
#define WRITE    2u
#define INDIRECT 4u

#endif /* ATTACKER_VMMIO_H */
