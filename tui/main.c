/* main.c: the rotwiz command line. Dispatches to the wizard, batch flows, topology and export. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("rotwiz %s\n", ROTWIZ_VERSION);
        return 0;
    }
    fprintf(stderr, "rotwiz: not built yet\n");
    return 2;
}
