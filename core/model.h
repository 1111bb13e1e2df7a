/* model.h: what the wizard knows about the devices: slots, appliances, the workstation, the
 * Backup HSM, the PED and the links between them. Plain data shared by parsers, flows and the
 * UI. */
#ifndef ROTWIZ_MODEL_H
#define ROTWIZ_MODEL_H
#include <stdbool.h>
#include <stddef.h>

#define MODEL_TEXT 128   /* every copied value is truncated to fit; lunacm values are short */
#define MODEL_MAX_SLOTS 16
#define MODEL_MAX_SERVERS 8

/* The three slot kinds a k570 shows, recognised by Slot Description only (never by position). */
enum slot_kind { SLOT_OTHER = 0, SLOT_USER, SLOT_ADMIN, SLOT_NET_ADMIN };

/* One arrow block of `slot list`, values copied as lunacm printed them (trimmed). */
struct slot {
    long id;
    char label[MODEL_TEXT];
    char serial[MODEL_TEXT];
    char model[MODEL_TEXT];
    char firmware[MODEL_TEXT];
    char configuration[MODEL_TEXT];
    char description[MODEL_TEXT];
    enum slot_kind kind;
};

struct slot_list {
    size_t count;
    struct slot slots[MODEL_MAX_SLOTS];
    bool has_current;        /* a "Current Slot Id:" trailer was seen */
    long current;            /* its value; -1 for "None" */
};

/* One line of `vtl listservers`. */
struct vtl_server {
    char address[MODEL_TEXT];
    bool htl_required;
};

struct vtl_server_list {
    size_t count;
    struct vtl_server servers[MODEL_MAX_SERVERS];
};

/* State of a link as the topology pane shows it, in colour and in a word. */
enum link_state { LINK_UNKNOWN = 0, LINK_UP, LINK_DOWN };

enum appliance_role { ROLE_SOURCE = 0, ROLE_TARGET = 1 };
#define MODEL_ROLES 2

/* The syntax preflight of one lunacm (flow_act_preflight.c): commands whose options the
 * device's own help lists, what it does not list, and what could not be checked. */
#define SYNTAX_MAX_ITEMS 16
struct syntax_check {
    bool run;                        /* the preflight ran on this lunacm */
    size_t checked;                  /* commands whose every option the help lists */
    size_t missing_count;
    char missing[SYNTAX_MAX_ITEMS][MODEL_TEXT];    /* "partition archive backup -sop" */
    size_t unchecked_count;
    char unchecked[SYNTAX_MAX_ITEMS][MODEL_TEXT];  /* commands whose help was not read */
};

struct appliance {
    bool configured;                 /* present in the config file */
    enum appliance_role role;
    char host[MODEL_TEXT];
    int port;
    bool reachable;
    char error[800];                 /* why not reachable; empty when reachable */
    char lunacm_version[MODEL_TEXT]; /* e.g. "10.4.0", empty until read */
    struct slot_list slots;
    long selected_slot;              /* slot the lunacm session has set, -1 when none */
    struct vtl_server_list vtl;
    enum link_state ssh_link;        /* workstation -> appliance over SSH */
    enum link_state vtl_link;        /* appliance -> RBS on the workstation */
    enum link_state ped_link;        /* appliance -> PEDServer on the workstation */
    struct syntax_check syntax;      /* the lunacm syntax preflight */
};

struct workstation {
    char address[MODEL_TEXT];
    char client_version[MODEL_TEXT]; /* workstation lunacm version, empty until read */
    int rbs_port;
    bool rbs_listening;
    int ped_port;
    bool ped_listening;
    struct syntax_check syntax;      /* the workstation lunacm's syntax preflight */
};

struct backup_hsm {
    bool visible;                    /* seen over USB by the workstation or as a Net Admin slot */
    char model[MODEL_TEXT];
    char firmware[MODEL_TEXT];
    char serial[MODEL_TEXT];
};

/* Where the PED is plugged in now, as the operator has confirmed it. */
enum ped_location { PED_UNKNOWN = 0, PED_AT_WORKSTATION, PED_AT_SOURCE, PED_AT_TARGET };

struct topology {
    struct workstation workstation;
    struct backup_hsm backup;
    enum ped_location ped;
    bool ped_used;                   /* authentication is PED */
    struct appliance appliances[MODEL_ROLES];
};

/* Recognises a Slot Description ("User Token Slot" ...), tolerant of case and spacing. */
enum slot_kind model_slot_kind(const char *description);

/* The first slot of the given kind, or NULL. */
const struct slot *model_find_slot(const struct slot_list *list, enum slot_kind kind);

/* "source" / "target". */
const char *model_role_name(enum appliance_role role);

/* "unknown" / "up" / "down". */
const char *model_link_word(enum link_state state);

#endif
