/* The Crashpad client of crashpad_client.c, called from lib.rs. Each call
 * returns 0 on success, or -1 with a sentence in `err`. */
#ifndef CRASH_ADDON_CRASHPAD_CLIENT_H
#define CRASH_ADDON_CRASHPAD_CLIENT_H

#include <stddef.h>

/* Electron's limits for crash keys (dynamic CrashKeyString<20320>, names under
 * 40 bytes); Crashpad's SimpleStringDictionary holds 64 entries. */
#define CP_MAX_KEYS 64
#define CP_MAX_KEY_BYTES 39
#define CP_MAX_VALUE_BYTES 20320
#define CP_MAX_SIMPLE 64

/* Starts crashpad_handler (argv[0], NULL-terminated; one argument must be the
 * placeholder "--initial-client-fd=") with this process as its first client,
 * and installs this process's crash handlers. The handler's stdout and stderr
 * go to `log_file` (appended) or nowhere. */
int cp_start_handler(const char *const argv[], const char *log_file, int *client_fd, int *handler_pid, char *err,
                     size_t err_len);

/* Makes this process a client of the handler behind `fd` (inherited from the
 * process that started it); `handler_pid` is named as ptracer under Yama. */
int cp_set_handler_socket(int fd, int handler_pid, char *err, size_t err_len);

/* A crash key: an annotation object of this module's CrashpadInfo. NULL value
 * clears it. */
int cp_set_crash_key(const char *key, const char *value, char *err, size_t err_len);

/* A simple annotation of this module's CrashpadInfo. NULL value removes it. */
int cp_set_simple_annotation(const char *key, const char *value, char *err, size_t err_len);

#endif
