/* colors.c: placeholder, replaced by the TUI's colour table. */
#include "colors.h"
int colors_placeholder(void) { return 0; }
