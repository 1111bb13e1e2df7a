/* lunacm_hsm.c: `hsm show` (output invented, see sim/README.md). */
#include "lunacm.h"
#include "state_model.h"
#include <string.h>

unsigned long lcm_cmd_hsm_show(struct lcm *c, const struct lcm_args *a)
{
    (void)a;
    json_t *root = NULL;
    if (lcm_state_snapshot(c, &root) != 0)
        return LCM_OPERATION_NOT_ALLOWED;
    json_t *hsm = sm_hsm(root, c->device);
    lcm_arrow(c, "Label", sm_str(hsm, "label"));
    lcm_arrow(c, "Serial Number", sm_str(hsm, "serial"));
    lcm_arrow(c, "Model", sm_str(hsm, "model"));
    lcm_arrow(c, "Firmware Version", sm_str(hsm, "firmware"));
    lcm_arrow(c, "Authentication", strcmp(sm_str(hsm, "auth"), "ped") == 0 ? "PED" : "Password");
    lcm_arrow(c, "HSM Status", sm_bool(hsm, "zeroized") ? "Zeroized" : "OK");
    lcm_arrow(c, "RPV Initialized", sm_bool(hsm, "rpv_initialized") ? "Yes" : "No");
    json_decref(root);
    return LCM_OK;
}
