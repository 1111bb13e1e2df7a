/* model.c: small helpers over the device model. */
#include "model.h"
#include <ctype.h>
#include <string.h>

/* Compares ignoring case and runs of white space, so "user  token slot" matches. */
static bool same_words(const char *a, const char *b)
{
    for (;;) {
        while (isspace((unsigned char)*a) && (a[1] == '\0' || isspace((unsigned char)a[1])))
            a++;
        while (isspace((unsigned char)*b) && (b[1] == '\0' || isspace((unsigned char)b[1])))
            b++;
        if (*a == '\0' || *b == '\0')
            return *a == *b;
        if (isspace((unsigned char)*a) && isspace((unsigned char)*b)) {
            a++;
            b++;
            continue;
        }
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        a++;
        b++;
    }
}

enum slot_kind model_slot_kind(const char *description)
{
    while (isspace((unsigned char)*description))
        description++;
    if (same_words(description, "User Token Slot"))
        return SLOT_USER;
    if (same_words(description, "Admin Token Slot"))
        return SLOT_ADMIN;
    if (same_words(description, "Net Admin Token Slot"))
        return SLOT_NET_ADMIN;
    return SLOT_OTHER;
}

const struct slot *model_find_slot(const struct slot_list *list, enum slot_kind kind)
{
    for (size_t i = 0; i < list->count; i++)
        if (list->slots[i].kind == kind)
            return &list->slots[i];
    return NULL;
}

const char *model_role_name(enum appliance_role role)
{
    return role == ROLE_SOURCE ? "source" : "target";
}

const char *model_link_word(enum link_state state)
{
    switch (state) {
    case LINK_UP: return "up";
    case LINK_DOWN: return "down";
    default: return "unknown";
    }
}
