/* luna_parse.h: pure parsers for what the Luna tools print (lunacm, vtl, pedserver).
 *
 * Tolerant of every variant in ../shared/luna-reference/FORMATS.md: TAB or 2/4/8-space
 * indentation, CRLF, trailing spaces, empty labels, slots in any order, both banner and
 * table generations. Decisions are taken on the parsed facts, never on wording the
 * reference marks UNKNOWN. All functions take the text of one command's output (the lines
 * between the echoed command and the next prompt, or a whole capture) and never allocate
 * unless they say so. */
#ifndef ROTWIZ_LUNA_PARSE_H
#define ROTWIZ_LUNA_PARSE_H
#include <stdbool.h>
#include <stddef.h>
#include "model.h"

/* lunacm/vtl banner: "lunacm (64-bit) v10.4.0-275. Copyright ..." and older forms. */
struct luna_version {
    char tool[32];          /* "lunacm", "vtl", "LunaCM" as printed */
    int major, minor, patch, build;   /* build -1 when absent */
    char vendor[MODEL_TEXT];          /* text after "Copyright (c) <years> ", up to '.' */
};
/* Finds the banner line anywhere in TEXT. Returns true when found. */
bool luna_parse_banner(const char *text, struct luna_version *out);
/* Formats "major.minor.patch" into buf. */
void luna_version_string(const struct luna_version *v, char *buf, size_t len);
/* Compares two versions by major.minor.patch: <0, 0, >0. */
int luna_version_cmp(int amaj, int amin, int apat, int bmaj, int bmin, int bpat);
/* Parses "7.7.1" (or "7.7") into three ints; false when not a version. */
bool luna_parse_dotted(const char *s, int *maj, int *min, int *pat);

/* `Command Result : No Error` / `Command Result : 0x<hex> (<text>)`, with an optional
 * preceding `Error in execution: <TEXT>.` line (any spacing before the colon). */
struct luna_result {
    bool found;             /* a Command Result line was present */
    bool ok;                /* No Error */
    unsigned long code;     /* 0 when ok */
    char text[MODEL_TEXT];  /* text in parentheses, may be empty */
    char error[256];        /* Error in execution text, may be empty */
};
/* Looks for the LAST Command Result line in TEXT. */
bool luna_parse_result(const char *text, struct luna_result *out);
/* True when LINE (one line, no newline needed) is a Command Result line. */
bool luna_is_result_line(const char *line);
/* Result code of a wait the HSM gave up (e.g. no PED key presented in time). */
#define LUNA_CKR_TIMEOUT 0x80000024UL
/* `role login` while the role is logged in already (FORMATS.md §6). */
#define LUNA_CKR_USER_ALREADY_LOGGED_IN 0x100UL

/* Name of a known result code ("CKR_PIN_INCORRECT"...) or NULL. 0xb, for which FORMATS.md
 * gives no constant, is "user cancelled". */
const char *luna_result_name(unsigned long code);
/* One line for messages: "No Error", or "0xa0 CKR_PIN_INCORRECT (text): error text" with the
 * parts that are known. */
void luna_result_format(const struct luna_result *r, char *buf, size_t len);

/* True when TEXT ends with a lunacm prompt ("lunacm:>" possibly followed by spaces). */
bool luna_ends_with_prompt(const char *text);
/* True when TEXT ends with the proceed/quit question ("Type 'proceed' to continue, or 'quit'
 * to quit now ->"). */
bool luna_ends_with_confirm(const char *text);
/* True when the last non-empty line of TEXT asks for a password (ends with ':' and mentions
 * "password" -- or "challenge", for PED challenge secrets -- case-insensitively), e.g.
 * "Enter password for Partition SO:". An answered prompt ends in the '*' echo: false. */
bool luna_ends_with_password_prompt(const char *text);
/* What a secret prompt asks for, judged by its words (luna_parse_prompt.c). */
enum luna_secret_kind {
    LUNA_SK_NONE = 0,    /* no kind named (a bare confirmation: "Again:") */
    LUNA_SK_SO,          /* an HSM Security Officer password ("SO", "Security Officer") */
    LUNA_SK_CO,          /* the Crypto Officer password or challenge */
    LUNA_SK_PARTITION,   /* a partition's password (the backup partition's) */
    LUNA_SK_DOMAIN,      /* a cloning domain */
    LUNA_SK_RBS,         /* the Remote Backup Server key password */
    LUNA_SK_PASSWORD,    /* "password" and nothing says whose */
    LUNA_SK_UNKNOWN      /* no secret word, or several kinds named at once */
};
#define LUNA_SK_COUNT (LUNA_SK_UNKNOWN + 1)
struct luna_prompt {
    enum luna_secret_kind kind;
    bool confirm;        /* re-enter / confirm / again: the same secret a second time */
};
/* True when LINE (the unterminated last line of output) has the shape of a prompt waiting for
 * input: it ends with ':', '>' or '?' and is neither lunacm's prompt nor the proceed question. */
bool luna_is_input_prompt(const char *line);
/* Classifies the prompt LINE by its words; quoted names in it are ignored. */
void luna_classify_prompt(const char *line, struct luna_prompt *out);
/* "an SO password", "a cloning domain"... for messages. */
const char *luna_secret_kind_name(enum luna_secret_kind k);

/* True when TEXT contains "Please attend to the PED." */
bool luna_wants_ped(const char *text);

/* `slot list` (or lunacm's start-up listing). Sets kind from the description. In a capture
 * holding several listings the last one wins. Slots past MODEL_MAX_SLOTS are dropped. True when
 * a listing was seen ("Available HSMs:", a Slot Id block or a Current Slot Id trailer). */
bool luna_parse_slot_list(const char *text, struct slot_list *out);
/* `slot set -slot N`: "Current Slot Id: N (...)". Returns the id or -1. */
long luna_parse_slot_set(const char *text);

/* `partition contents`. */
#define LUNA_MAX_OBJECTS 64
struct luna_object {
    char label[MODEL_TEXT];
    char handle[32];
    char type[MODEL_TEXT];
    char uid[MODEL_TEXT];
};
struct luna_objects {
    size_t count;
    bool truncated;          /* more than LUNA_MAX_OBJECTS */
    size_t unrecognised;     /* lines that are no part of a known listing form */
    long stated_count;       /* a line stating how many objects there are, or -1 */
    struct luna_object objects[LUNA_MAX_OBJECTS];
};
/* True when a listing was read: objects, the preamble, "Object list:", or a successful Command
 * Result (an empty partition: count 0). False on a failed Command Result or unrelated text. */
bool luna_parse_partition_contents(const char *text, struct luna_objects *out);
/* True when the listing was read completely: nothing truncated, every line recognised (the
 * preamble, "Object list:", object fields, a statement of the object count or of "no
 * objects", result lines) and a stated count equal to the objects read. Only such a listing
 * may count as empty: an unreadable one never does (a restore or -replace depends on it). */
bool luna_contents_certain(const struct luna_objects *o);

/* `vtl listservers`. True when at least one "Server:" line was read (so false also means an
 * empty list: out->count is 0 either way). */
bool luna_parse_vtl_listservers(const char *text, struct vtl_server_list *out);
/* `vtl verify` (both the 16- and 8-character rule generations). True when the table's rule
 * line was found (count may be 0). */
struct luna_vtl_slot { long slot; char serial[MODEL_TEXT]; char label[MODEL_TEXT]; };
struct luna_vtl_verify { size_t count; struct luna_vtl_slot slots[MODEL_MAX_SLOTS]; };
bool luna_parse_vtl_verify(const char *text, struct luna_vtl_verify *out);

/* `ped get` / `ped show`. True when any of their lines was recognised. */
struct luna_ped_info {
    bool local;              /* "listening to local PED" */
    long ped_id;             /* -1 when not printed */
    char server_ip[MODEL_TEXT];
    int server_port;         /* 0 when not printed */
};
bool luna_parse_ped_info(const char *text, struct luna_ped_info *out);

/* `pedserver -mode show`: Name: value pairs. Copies the value for NAME (case-insensitive,
 * e.g. "Ped2 Connection Status") into buf. */
bool luna_parse_named_value(const char *text, const char *name, char *buf, size_t len);

/* The `rbs --config` menu (FORMATS.md §5: its wording is UNKNOWN), judged by its shape only:
 * a device row is a line whose first word is a number, followed by a selection mark, either a
 * bracket (`[x]`, `[*]`, `[ ]`) or a table cell between bars (`| * |`, `|   |`). */
enum luna_rbs_menu {
    LUNA_RBS_MENU_UNSURE = 0,     /* not exactly one device row with a readable mark naming the
                                     serial: the operator reads the menu (batch stops) */
    LUNA_RBS_MENU_SELECTED,       /* exactly one device, the serial's, marked selected */
    LUNA_RBS_MENU_UNSELECTED      /* exactly one device, the serial's, marked not selected */
};
/* Judges TEXT (the menu as printed, up to its prompt) for the Backup HSM SERIAL ("" or NULL:
 * any). *NUMBER (may be NULL) gets the device row's number when one was read. */
enum luna_rbs_menu luna_parse_rbs_menu(const char *text, const char *serial, long *number);

#endif
