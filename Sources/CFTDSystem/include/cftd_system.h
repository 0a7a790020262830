#ifndef CFTD_SYSTEM_H
#define CFTD_SYSTEM_H

#include <stdio.h>

// The few Linux calls Swift cannot make itself, or not simply: prctl(2) is variadic in
// glibc's header, and Swift does not import variadic C functions; reading /proc/self/smaps
// line by line is plain C.

// Marks the process not dumpable: no core dump, and /proc/PID/environ, /proc/PID/mem and
// ptrace are closed to other processes of the same user (hooks among them).
// Returns 0, or -1 with errno set.
int cftd_set_dumpable(int dumpable);

// 1 when the process is dumpable, 0 when not, -1 with errno set on failure.
int cftd_get_dumpable(void);

// Unmaps the resident pages of the executable's own code (its read-only, executable,
// private mappings that hold no private copy of a page), so that the process's resident
// set holds only the code it runs from now on: the kernel maps a page back from the page
// cache, without I/O, when it is next run. Code that ran once (start-up, migrations,
// argument parsing) then stops counting in RSS. Returns the kilobytes that were resident
// in those mappings, or -1 with errno set.
long cftd_release_code_pages(void);

// What cftd_release_code_pages does with an smaps text already open, for the mappings of
// `executable`: with `dry_run`, only the kilobytes it would release (tests feed it a text).
long cftd_release_code_pages_in(FILE *smaps, const char *executable, int dry_run);

#endif
