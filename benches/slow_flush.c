/* A disk whose flush takes time, for measuring kasir as it runs on a till's own disk.
 *
 * The test machine's virtual disk finishes an fsync in about 0.13 ms; an SSD, eMMC or hard
 * disk in a till takes 0.5 to 10 ms to flush. Loaded with LD_PRELOAD, this adds
 * SLOW_FLUSH_US microseconds (default 1000) after every fsync and fdatasync:
 *
 *   cc -shared -fPIC -O2 -o target/slow_flush.so benches/slow_flush.c -ldl
 *   SLOW_FLUSH_US=500 LD_PRELOAD=target/slow_flush.so \
 *       target/release/examples/commit_probe SHOP.db 400
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static void flush_delay(void)
{
    const char *s = getenv("SLOW_FLUSH_US");
    long us = s ? atol(s) : 1000;
    struct timespec t = { us / 1000000, (us % 1000000) * 1000 };
    nanosleep(&t, 0);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (!real)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    int r = real(fd);
    flush_delay();
    return r;
}

int fdatasync(int fd)
{
    static int (*real)(int);
    if (!real)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    int r = real(fd);
    flush_delay();
    return r;
}
