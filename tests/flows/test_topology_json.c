/* test_topology_json.c: `topology --json` has the INTERFACE.md shape; --plain says the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "topology_json.h"

static void sample(struct topology *t)
{
    memset(t, 0, sizeof *t);
    snprintf(t->workstation.address, MODEL_TEXT, "192.0.2.10");
    t->workstation.rbs_port = 1792;
    t->workstation.rbs_listening = true;
    t->workstation.ped_port = 1503;
    struct appliance *s = &t->appliances[ROLE_SOURCE];
    s->configured = true;
    s->role = ROLE_SOURCE;
    snprintf(s->host, MODEL_TEXT, "k570-a.example.net");
    s->port = 22;
    s->reachable = true;
    snprintf(s->lunacm_version, MODEL_TEXT, "10.4.0");
    s->slots.count = 1;
    struct slot *sl = &s->slots.slots[0];
    sl->id = 3;
    snprintf(sl->label, MODEL_TEXT, "rotpart");
    snprintf(sl->firmware, MODEL_TEXT, "7.7.1");
    snprintf(sl->description, MODEL_TEXT, "User Token Slot");
    s->vtl.count = 1;
    snprintf(s->vtl.servers[0].address, MODEL_TEXT, "192.0.2.10");
    struct appliance *g = &t->appliances[ROLE_TARGET];
    g->configured = true;
    g->role = ROLE_TARGET;
    snprintf(g->host, MODEL_TEXT, "k570-b");
    g->port = 2222;
    snprintf(g->error, sizeof g->error, "connection refused");
}

static json_t *render(const struct topology *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(topology_write_json(t, f), 0);
    fclose(f);
    json_error_t err;
    json_t *root = json_loads(buf, 0, &err);
    free(buf);
    assert_non_null(root);
    return root;
}

static void json_has_the_interface_shape(void **state)
{
    (void)state;
    struct topology t;
    sample(&t);
    json_t *root = render(&t);
    json_t *ws = json_object_get(root, "workstation");
    assert_string_equal(json_string_value(json_object_get(ws, "address")), "192.0.2.10");
    json_t *rbs = json_object_get(ws, "rbs");
    assert_int_equal(json_integer_value(json_object_get(rbs, "port")), 1792);
    assert_true(json_is_true(json_object_get(rbs, "listening")));
    assert_true(json_is_false(json_object_get(json_object_get(ws, "pedserver"), "listening")));
    json_t *apps = json_object_get(root, "appliances");
    assert_int_equal(json_array_size(apps), 2);
    json_t *src = json_array_get(apps, 0);
    assert_string_equal(json_string_value(json_object_get(src, "role")), "source");
    assert_true(json_is_true(json_object_get(src, "reachable")));
    assert_true(json_is_null(json_object_get(src, "error")));
    assert_string_equal(json_string_value(json_object_get(src, "lunacm_version")), "10.4.0");
    json_t *slot = json_array_get(json_object_get(src, "slots"), 0);
    assert_true(json_is_integer(json_object_get(slot, "id")));
    assert_int_equal(json_integer_value(json_object_get(slot, "id")), 3);
    assert_string_equal(json_string_value(json_object_get(slot, "description")),
                        "User Token Slot");
    assert_string_equal(json_string_value(json_object_get(slot, "firmware")), "7.7.1");
    json_t *srv = json_array_get(json_object_get(src, "vtl_servers"), 0);
    assert_string_equal(json_string_value(json_object_get(srv, "address")), "192.0.2.10");
    json_t *tgt = json_array_get(apps, 1);
    assert_true(json_is_false(json_object_get(tgt, "reachable")));
    assert_string_equal(json_string_value(json_object_get(tgt, "error")), "connection refused");
    assert_true(json_is_null(json_object_get(tgt, "lunacm_version")));
    json_decref(root);
}

static void unconfigured_appliances_are_left_out(void **state)
{
    (void)state;
    struct topology t;
    sample(&t);
    t.appliances[ROLE_TARGET].configured = false;
    json_t *root = render(&t);
    assert_int_equal(json_array_size(json_object_get(root, "appliances")), 1);
    json_decref(root);
}

static void plain_names_every_fact(void **state)
{
    (void)state;
    struct topology t;
    sample(&t);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    topology_write_plain(&t, f);
    fclose(f);
    assert_non_null(strstr(buf, "rbs port 1792 listening"));
    assert_non_null(strstr(buf, "pedserver port 1503 closed"));
    assert_non_null(strstr(buf, "slot 3: User Token Slot"));
    assert_non_null(strstr(buf, "target k570-b:2222 UNREACHABLE"));
    assert_non_null(strstr(buf, "error: connection refused"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_has_the_interface_shape),
        cmocka_unit_test(unconfigured_appliances_are_left_out),
        cmocka_unit_test(plain_names_every_fact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
