/*
 * The few UEFI interfaces the capvisor EFI stub calls (UEFI Specification
 * 2.10: 4.3 System Table, 4.4 Boot Services table, 4.6 configuration
 * table, 7.2 memory allocation, 12.4 Simple Text Output). Only the members
 * the stub uses have real types; the others keep their slot as `void *` so
 * the layout stays the specification's. AArch64 calling convention:
 * AAPCS64, which is the compiler's, so no attribute is needed.
 */
#ifndef CAPVISOR_BOOT_EFI_H
#define CAPVISOR_BOOT_EFI_H

#include <stdint.h>

typedef uint64_t efi_status;
typedef void *efi_handle;
typedef uint16_t efi_char16;

#define EFI_ERR(n)            ((1ull << 63) | (n))
#define EFI_SUCCESS           0ull
#define EFI_LOAD_ERROR        EFI_ERR(1)
#define EFI_INVALID_PARAMETER EFI_ERR(2)
#define EFI_UNSUPPORTED       EFI_ERR(3)
#define EFI_BUFFER_TOO_SMALL  EFI_ERR(5)
#define EFI_OUT_OF_RESOURCES  EFI_ERR(9)
#define EFI_NOT_FOUND         EFI_ERR(14)

#define EFI_PAGE_SIZE 4096ull

/* EFI_ALLOCATE_TYPE and EFI_MEMORY_TYPE (7.2). */
enum { EFI_ALLOCATE_ANY_PAGES = 0, EFI_ALLOCATE_MAX_ADDRESS = 1, EFI_ALLOCATE_ADDRESS = 2 };
enum { EFI_LOADER_DATA = 2 };

struct efi_guid {
    uint32_t d1;
    uint16_t d2, d3;
    uint8_t d4[8];
};

struct efi_table_header {
    uint64_t signature;
    uint32_t revision, header_size, crc32, reserved;
};

struct efi_text_output {
    void *reset;
    efi_status (*output_string)(struct efi_text_output *self, const efi_char16 *s);
};

struct efi_boot_services {
    struct efi_table_header hdr;
    void *raise_tpl, *restore_tpl;
    efi_status (*allocate_pages)(uint32_t type, uint32_t memory_type, uint64_t pages,
                                 uint64_t *address);
    efi_status (*free_pages)(uint64_t address, uint64_t pages);
    efi_status (*get_memory_map)(uint64_t *map_size, void *map, uint64_t *map_key,
                                 uint64_t *descriptor_size, uint32_t *descriptor_version);
    efi_status (*allocate_pool)(uint32_t memory_type, uint64_t size, void **buffer);
    efi_status (*free_pool)(void *buffer);
    void *create_event, *set_timer, *wait_for_event, *signal_event, *close_event, *check_event;
    void *install_protocol_interface, *reinstall_protocol_interface;
    void *uninstall_protocol_interface, *handle_protocol, *reserved;
    void *register_protocol_notify, *locate_handle, *locate_device_path;
    void *install_configuration_table;
    void *load_image, *start_image, *exit, *unload_image;
    efi_status (*exit_boot_services)(efi_handle image, uint64_t map_key);
};

struct efi_configuration_table {
    struct efi_guid vendor_guid;
    void *vendor_table;
};

struct efi_system_table {
    struct efi_table_header hdr;
    efi_char16 *firmware_vendor;
    uint32_t firmware_revision;
    efi_handle console_in_handle;
    void *con_in;
    efi_handle console_out_handle;
    struct efi_text_output *con_out;
    efi_handle standard_error_handle;
    void *std_err;
    void *runtime_services;
    struct efi_boot_services *boot_services;
    uint64_t number_of_table_entries;
    struct efi_configuration_table *configuration_table;
};

/* The device tree's configuration table entry (UEFI 4.6, EFI_DTB_TABLE_GUID). */
#define EFI_DTB_TABLE_GUID                                                                         \
    {                                                                                              \
        0xb1b621d5, 0xf19c, 0x41a5,                                                                \
        {                                                                                          \
            0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0                                         \
        }                                                                                          \
    }

#endif
