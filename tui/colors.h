/* colors.h: placeholder, replaced by the TUI's colour table. */
#ifndef ROTWIZ_COLORS_H
#define ROTWIZ_COLORS_H
int colors_placeholder(void);
#endif
