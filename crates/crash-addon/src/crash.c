/*
 * Where crash-addon.node really crashes: plain C, so the crashing frame has an
 * unmangled name in the Breakpad .sym file. build.rs compiles it with -O0
 * -fno-inline -fno-omit-frame-pointer. scripts/make-fixtures.sh records each
 * function (and the line of its CRASH_LINE marker) in manifest.json.
 */
#include <stdlib.h>

void crash_addon_null_write(void) {
    *(volatile int *)0 = 42; /* CRASH_LINE null_write */
}

void crash_addon_abort(void) {
    abort(); /* CRASH_LINE abort */
}
