/*
 * The code that really crashes, in C so that the crashing frames have plain
 * (unmangled) names and simple DWARF line info in the Breakpad .sym file.
 * build.rs compiles it with -O0 -fno-inline -fno-omit-frame-pointer so every
 * function below keeps its own frame.
 *
 * Each faulting statement carries a `CRASH_LINE <kind>` marker:
 * scripts/make-fixtures.sh greps for it to record the expected line in
 * manifest.json, so keep the marker on the very line that faults.
 */
#include <stdlib.h>

typedef void (*crash_fn)(void);

void crash_null_write(void) {
    *(volatile int *)0 = 42; /* CRASH_LINE null_write */
}

void crash_abort(void) {
    abort(); /* CRASH_LINE abort */
}

void crash_illegal_instruction(void) {
    __builtin_trap(); /* CRASH_LINE illegal_instruction */
}

void crash_divide_by_zero(void) {
    /* volatile so the compiler can neither fold nor drop the division. */
    volatile int zero = 0;
    volatile int quotient;
    quotient = 42 / zero; /* CRASH_LINE divide_by_zero */
    (void)quotient;
}

/* Called on the Rust thread named "crash-worker". */
void crash_on_worker_thread(void) {
    *(volatile int *)0 = 7; /* CRASH_LINE thread_null_write */
}

/*
 * Intermediate frames between Rust and the crashing function, so a stack
 * walker has to unwind through C frames (via CFI or frame pointers) before it
 * gets back into Rust. The volatile store after the call stops the call from
 * becoming a tail call, which would drop the frame.
 */
static volatile int fixture_depth_sink;

void fixture_call_depth_1(crash_fn crash) {
    crash();
    fixture_depth_sink = 1;
}

void fixture_call_depth_2(crash_fn crash) {
    fixture_call_depth_1(crash);
    fixture_depth_sink = 2;
}
