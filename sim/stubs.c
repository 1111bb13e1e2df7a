/* stubs.c: TEMPORARY weak placeholders so each half of the lab builds alone while the other is
 * being written. A real definition anywhere overrides these. Deleted once both halves exist. */
#include "modes.h"
#include <stdio.h>

#define STUB(fn)                                                      \
    __attribute__((weak)) int fn(int argc, char **argv)               \
    {                                                                 \
        (void)argc;                                                   \
        fprintf(stderr, "rotwiz-sim: %s not built yet\n", argv[0]);   \
        return 2;                                                     \
    }
STUB(mode_lab)
STUB(mode_stop)
STUB(mode_serve)
STUB(mode_state)
STUB(mode_ped)
STUB(mode_shell)
STUB(mode_k570_lunacm)
STUB(mode_vtl)
STUB(mode_rbs)
STUB(mode_pedserver)
STUB(mode_ws_lunacm)

__attribute__((weak)) int sim_state_create(const struct sim_lab_params *p,
                                           const struct sim_secrets *s, char *err,
                                           unsigned long errlen)
{
    (void)p;
    (void)s;
    snprintf(err, errlen, "device state not built yet");
    return -1;
}

#include "ped_device.h"
#include "rbs_link.h"

__attribute__((weak)) int rbs_link_query(const char *address, int port, const char *cert,
                                         int timeout_ms, struct rbs_hsm_info *info, char *err,
                                         size_t errlen)
{
    (void)address; (void)port; (void)cert; (void)timeout_ms; (void)info;
    snprintf(err, errlen, "rbs link not built yet");
    return RBS_LINK_UNREACHABLE;
}

__attribute__((weak)) int rbs_cert_sha256_file(const char *pem_path, char out_hex[65])
{
    (void)pem_path;
    out_hex[0] = '\0';
    return -1;
}

__attribute__((weak)) int ped_device_request(const char *dir, const char *where,
                                             const char *device, const char *colour,
                                             int timeout_ms, char *presented, size_t len)
{
    (void)dir; (void)where; (void)device; (void)timeout_ms;
    snprintf(presented, len, "%s", colour);
    return PED_OK;
}

__attribute__((weak)) int ped_link_request(const char *address, int port, const char *device,
                                           const char *colour, int timeout_ms, char *presented,
                                           size_t len)
{
    (void)address; (void)port; (void)device; (void)timeout_ms;
    snprintf(presented, len, "%s", colour);
    return PED_OK;
}

__attribute__((weak)) int ped_link_ping(const char *address, int port, int timeout_ms)
{
    (void)address; (void)port; (void)timeout_ms;
    return 1;
}
