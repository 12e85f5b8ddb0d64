// lacuna.c: the command-line tool's entry point: dispatches to one file per subcommand.
#include "tool.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f) {
    fprintf(f, "usage: lacuna <command> [options]\n"
               "commands:\n"
               "  version            print the library version and the kernels in use\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "version") == 0) {
        printf("lacuna %s (isa %s)\n", lc_version(), lc_isa_name(lc_isa_get()));
        return 0;
    }
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "lacuna: unknown command '%s'\n", argv[1]);
    return 2;
}
