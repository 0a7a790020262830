#ifndef CFTD_SYSTEM_H
#define CFTD_SYSTEM_H

// The few Linux calls Swift cannot make itself: prctl(2) is variadic in glibc's header,
// and Swift does not import variadic C functions.

// Marks the process not dumpable: no core dump, and /proc/PID/environ, /proc/PID/mem and
// ptrace are closed to other processes of the same user (hooks among them).
// Returns 0, or -1 with errno set.
int cftd_set_dumpable(int dumpable);

// 1 when the process is dumpable, 0 when not, -1 with errno set on failure.
int cftd_get_dumpable(void);

#endif
