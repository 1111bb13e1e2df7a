/* scenes.h: synthetic wizard states for the screen tests (fake backend, sample events). */
#ifndef ROTWIZ_TEST_SCENES_H
#define ROTWIZ_TEST_SCENES_H
#include <stdbool.h>
#include "app.h"

/* A backend that records what the app did. */
struct fake_backend {
    struct core_ask ask;
    bool has_ask;
    int answers;
    int last_status;
    struct core_answer last;
    int cancels;
    int starts;
    enum flow_kind last_kind;
    bool start_ok;
};

/* Fills BE so it drives FB. */
void fake_backend_init(struct fake_backend *fb, struct app_backend *be);

/* Options the scenes use (simulated lab, a config path). */
extern const struct tui_options scene_opts;

/* Sets up APP (already init'ed) for a scene. */
struct scene {
    const char *name;
    void (*setup)(struct app *app, struct fake_backend *fb);
};
extern const struct scene scenes[];
extern const size_t scene_count;

/* Sample events. */
void scene_send_topology(struct app *app, bool ped);
void scene_send_flow(struct app *app, int current);
void scene_send_transcript(struct app *app, int lines);

#endif
