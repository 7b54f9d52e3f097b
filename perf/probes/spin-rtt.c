// Round trip between two threads spinning on two padded words: the floor under any ring's ping-pong latency.
// Build and run: gcc -O2 -pthread spin-rtt.c -o spin-rtt && ./spin-rtt
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#define ROUNDS 2000000

// Each word on its own 128-byte pair of lines, so the only traffic is the two words themselves.
_Alignas(128) static _Atomic long ping;
_Alignas(128) static _Atomic long pong;

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *echo(void *unused)
{
    (void)unused;
    for (long i = 1; i <= ROUNDS; i++)
    {
        while (atomic_load_explicit(&ping, memory_order_acquire) != i)
            __builtin_ia32_pause();
        atomic_store_explicit(&pong, i, memory_order_release);
    }
    return NULL;
}

int main(void)
{
    pthread_t thread;
    pthread_create(&thread, NULL, echo, NULL);
    double start = seconds();
    for (long i = 1; i <= ROUNDS; i++)
    {
        atomic_store_explicit(&ping, i, memory_order_release);
        while (atomic_load_explicit(&pong, memory_order_acquire) != i)
            __builtin_ia32_pause();
    }
    double elapsed = seconds() - start;
    pthread_join(thread, NULL);
    printf("spin round trip, mean of %d: %.1f ns\n", ROUNDS, elapsed / ROUNDS * 1e9);
    return 0;
}
