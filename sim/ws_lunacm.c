/* ws_lunacm.c: the workstation's lunacm (ws-lunacm --dir DIR): the same interpreter, talking to
 * the Luna Backup HSM on the workstation's USB port. */
#include "lunacm.h"
#include "modes.h"

int mode_ws_lunacm(int argc, char **argv)
{
    return lcm_main(argc, argv, true);
}
