// Round trip to a thread parked on a futex after 1 ms idle, the caller spinning for the answer: the floor under
// any parking wait strategy's wake-up (what `lowlatency pingpong --wait-strategy Hybrid --interval-us 1000`
// measures through the engine). Build and run: gcc -O2 -pthread futex-wake.c -o futex-wake && ./futex-wake
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 3000

_Alignas(128) static _Atomic int request;
_Alignas(128) static _Atomic int reply;

static double nanoseconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void *echo(void *unused)
{
    (void)unused;
    for (int i = 1; i <= ROUNDS; i++)
    {
        while (atomic_load(&request) < i)
            syscall(SYS_futex, &request, FUTEX_WAIT_PRIVATE, i - 1, NULL, NULL, 0);
        atomic_store(&reply, i);
    }
    return NULL;
}

static int ascending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    static double rtt[ROUNDS];
    pthread_t thread;
    pthread_create(&thread, NULL, echo, NULL);
    for (int i = 1; i <= ROUNDS; i++)
    {
        double idleUntil = nanoseconds() + 1e6; // 1 ms idle: the echo thread parks, its CPU goes idle
        while (nanoseconds() < idleUntil)
            ;
        double start = nanoseconds();
        atomic_store(&request, i);
        syscall(SYS_futex, &request, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
        while (atomic_load(&reply) < i)
            ;
        rtt[i - 1] = nanoseconds() - start;
    }
    pthread_join(thread, NULL);
    qsort(rtt, ROUNDS, sizeof rtt[0], ascending);
    printf("futex wake round trip after 1 ms idle, %d rounds: p50 %.1f us, p90 %.1f us\n",
           ROUNDS, rtt[ROUNDS / 2] / 1e3, rtt[ROUNDS * 9 / 10] / 1e3);
    return 0;
}
