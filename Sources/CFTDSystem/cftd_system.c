#include "cftd_system.h"

#define _GNU_SOURCE
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
    long rss_kb, anonymous_kb;
};

static long cftd_release(const struct cftd_mapping *mapping) {
    // Only code as the file holds it: a page with a private copy (a debugger's breakpoint,
    // a text relocation) would lose it.
    if (!mapping->is_executable_file || strcmp(mapping->perms, "r-xp") != 0 || mapping->anonymous_kb != 0
        || mapping->rss_kb <= 0)
        return 0;
    if (madvise((void *)mapping->start, mapping->end - mapping->start, MADV_DONTNEED) != 0) return -1;
    return mapping->rss_kb;
}

long cftd_release_code_pages(void) {
    char executable[4096];
    ssize_t length = readlink("/proc/self/exe", executable, sizeof executable - 1);
    if (length <= 0) return -1;
    executable[length] = 0;
    FILE *smaps = fopen("/proc/self/smaps", "re");
    if (!smaps) return -1;
    char line[8192];
    struct cftd_mapping mapping = {0};
    int have_mapping = 0;
    long released = 0;
    while (fgets(line, sizeof line, smaps)) {
        unsigned long start, end;
        char perms[5], path[4096];
        long kb;
        int fields = sscanf(line, "%lx-%lx %4s %*s %*s %*s %4095[^\n]", &start, &end, perms, path);
        if (fields >= 3) {
            if (have_mapping) {
                long freed = cftd_release(&mapping);
                if (freed < 0) { fclose(smaps); return -1; }
                released += freed;
            }
            memset(&mapping, 0, sizeof mapping);
            mapping.start = start;
            mapping.end = end;
            memcpy(mapping.perms, perms, sizeof mapping.perms);
            mapping.is_executable_file = fields == 4 && strcmp(path, executable) == 0;
            have_mapping = 1;
        } else if (sscanf(line, "Rss: %ld kB", &kb) == 1) {
            mapping.rss_kb = kb;
        } else if (sscanf(line, "Anonymous: %ld kB", &kb) == 1) {
            mapping.anonymous_kb = kb;
        }
    }
    int failed = ferror(smaps);
    fclose(smaps);
    if (failed) { errno = EIO; return -1; }
    if (have_mapping) {
        long freed = cftd_release(&mapping);
        if (freed < 0) return -1;
        released += freed;
    }
    return released;
}
