// Time taken away from a thread that never yields: one spinning thread per core for 10 s, each reading the clock in
// a loop and counting the gaps over 200 µs (hypervisor steal, interrupts, kernel work). Any spinning stage on the
// same box loses the same time, so these gaps are the floor under its latency tail.
// Build and run: gcc -O2 -pthread spin-gaps.c -o spin-gaps && ./spin-gaps
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define SECONDS 10
#define GAP_NS 200000L
#define MAX_CORES 64

struct core { int cpu; long gaps; long total_ns; long largest_ns; };

static long nanoseconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void *spin(void *arg)
{
    struct core *c = arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(c->cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    long last = nanoseconds();
    long end = last + SECONDS * 1000000000L;
    for (long now = last; now < end; last = now)
    {
        now = nanoseconds();
        long gap = now - last;
        if (gap > GAP_NS)
        {
            c->gaps++;
            c->total_ns += gap;
            if (gap > c->largest_ns) c->largest_ns = gap;
        }
    }
    return NULL;
}

int main(void)
{
    int cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (cores > MAX_CORES) cores = MAX_CORES;
    pthread_t threads[MAX_CORES];
    struct core result[MAX_CORES] = {0};
    for (int i = 0; i < cores; i++)
    {
        result[i].cpu = i;
        pthread_create(&threads[i], NULL, spin, &result[i]);
    }
    for (int i = 0; i < cores; i++)
    {
        pthread_join(threads[i], NULL);
        printf("cpu %d: %ld gaps over %ld us in %d s, %.1f ms in all, largest %.2f ms\n", i, result[i].gaps,
               GAP_NS / 1000, SECONDS, result[i].total_ns / 1e6, result[i].largest_ns / 1e6);
    }
    return 0;
}
