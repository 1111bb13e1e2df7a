/* k570_lunacm.c: lunacm as a k570 appliance runs it (k570-lunacm --dir DIR --appliance NAME). */
#include "lunacm.h"
#include "modes.h"

int mode_k570_lunacm(int argc, char **argv)
{
    return lcm_main(argc, argv, false);
}
