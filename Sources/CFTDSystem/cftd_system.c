// Before any header: the one below includes <stdio.h>.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "cftd_system.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

int cftd_set_dumpable(int dumpable) {
    return prctl(PR_SET_DUMPABLE, dumpable ? 1 : 0, 0, 0, 0);
}

int cftd_get_dumpable(void) {
    return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
}

// A mapping of /proc/self/smaps: its header line, then "Key: value kB" lines.
struct cftd_mapping {
    unsigned long start, end;
    char perms[5];
    int is_executable_file;
    long rss_kb, anonymous_kb, swap_kb;
};

static long cftd_release(const struct cftd_mapping *mapping, int dry_run) {
    // Only code as the file holds it: a page with a private copy (a debugger's breakpoint,
    // a uprobe, a text relocation) would lose it, resident ("Anonymous") or swapped out
    // ("Swap": MADV_DONTNEED frees the swap entry too, and the page comes back from the file).
    if (!mapping->is_executable_file || strcmp(mapping->perms, "r-xp") != 0 || mapping->anonymous_kb != 0
        || mapping->swap_kb != 0 || mapping->rss_kb <= 0)
        return 0;
    if (!dry_run && madvise((void *)mapping->start, mapping->end - mapping->start, MADV_DONTNEED) != 0)
        return -1;
    return mapping->rss_kb;
}

long cftd_release_code_pages_in(FILE *smaps, const char *executable, int dry_run) {
    char line[8192];
    struct cftd_mapping mapping = {0};
    int have_mapping = 0;
    long released = 0;
    // A line longer than `line` comes in parts: the rest is no line of its own, and must not
    // be read as a mapping's header (a path may spell one).
    int in_long_line = 0;
    while (fgets(line, sizeof line, smaps)) {
        int complete = strchr(line, '\n') != NULL;
        if (in_long_line) {
            in_long_line = !complete;
            continue;
        }
        in_long_line = !complete;
        unsigned long start, end;
        char perms[5], path[4096];
        long kb;
        int fields = sscanf(line, "%lx-%lx %4s %*s %*s %*s %4095[^\n]", &start, &end, perms, path);
        if (fields >= 3) {
            if (have_mapping) {
                long freed = cftd_release(&mapping, dry_run);
                if (freed < 0) return -1;
                released += freed;
            }
            memset(&mapping, 0, sizeof mapping);
            mapping.start = start;
            mapping.end = end;
            memcpy(mapping.perms, perms, sizeof mapping.perms);
            // A header cut short has lost the end of its path.
            mapping.is_executable_file = complete && fields == 4 && strcmp(path, executable) == 0;
            have_mapping = 1;
        } else if (sscanf(line, "Rss: %ld kB", &kb) == 1) {
            mapping.rss_kb = kb;
        } else if (sscanf(line, "Anonymous: %ld kB", &kb) == 1) {
            mapping.anonymous_kb = kb;
        } else if (sscanf(line, "Swap: %ld kB", &kb) == 1) {
            mapping.swap_kb = kb;
        }
    }
    if (ferror(smaps)) {
        errno = EIO;
        return -1;
    }
    if (have_mapping) {
        long freed = cftd_release(&mapping, dry_run);
        if (freed < 0) return -1;
        released += freed;
    }
    return released;
}

long cftd_release_code_pages(void) {
    char executable[4096];
    ssize_t length = readlink("/proc/self/exe", executable, sizeof executable - 1);
    if (length <= 0) return -1;
    executable[length] = 0;
    FILE *smaps = fopen("/proc/self/smaps", "re");
    if (!smaps) return -1;
    long released = cftd_release_code_pages_in(smaps, executable, 0);
    int saved = errno;
    fclose(smaps);
    errno = saved;
    return released;
}
