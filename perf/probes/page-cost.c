// What a new page of memory costs here, by the ways a journal can take one: an anonymous page stored to, a page of a
// file mapped shared and stored to (a fresh fallocated file, as a journal segment), the same with readahead off on the
// mapping (MADV_RANDOM, as the journal's writer maps its segments), a buffered write(2) into a new file, and an O_DIRECT
// write (no page cache at all). Each is done twice: "cold" after 15 s of rest (on a VM whose
// balloon reports free pages, the host has taken back whatever the guest freed, so every page is new to the host too),
// then "warm", at once, into the pages the cold pass just freed. Prints the wall time and the CPU time per 4 KiB, and
// the longest single step (one page store, or one 1 MiB write).
// Build and run: gcc -O2 page-cost.c -o page-cost && ./page-cost DIR [MIB [WAY]]   (DIR on the disk under test; default
// 1024 MiB; WAY one of anon, mapped, mapped-random, buffered, direct runs only that one, e.g. under `perf record -g`)
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096L
#define CHUNK (1L << 20)

static double nanoseconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static double cpu_nanoseconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e9 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e3;
}

enum way { ANON, MAPPED, MAPPED_RANDOM, BUFFERED, DIRECT };
static const char *names[] = { "anonymous store", "mapped file store", "  + MADV_RANDOM", "buffered write(2)", "O_DIRECT write" };
static const char *ways[] = { "anon", "mapped", "mapped-random", "buffered", "direct" };

// Takes `bytes` of new memory the given way; returns the longest single step in ns.
static double take(enum way way, const char *path, long bytes, char *chunk)
{
    double worst = 0;
    if (way == ANON || way == MAPPED || way == MAPPED_RANDOM)
    {
        int fd = -1;
        if (way != ANON)
        {
            fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
            if (fd < 0 || fallocate(fd, 0, 0, bytes) != 0) { perror(path); exit(1); }
        }
        char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, way == ANON ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) { perror("mmap"); exit(1); }
        if (way == MAPPED_RANDOM && madvise(p, bytes, MADV_RANDOM) != 0) { perror("madvise"); exit(1); }
        for (long i = 0; i < bytes; i += PAGE)
        {
            double start = nanoseconds();
            p[i] = 1;
            double step = nanoseconds() - start;
            if (step > worst) worst = step;
        }
        munmap(p, bytes);
        if (fd >= 0) close(fd);
    }
    else
    {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | (way == DIRECT ? O_DIRECT : 0), 0644);
        if (fd < 0 || fallocate(fd, 0, 0, bytes) != 0) { perror(path); exit(1); }
        for (long offset = 0; offset < bytes; offset += CHUNK)
        {
            double start = nanoseconds();
            if (pwrite(fd, chunk, CHUNK, offset) != CHUNK) { perror("pwrite"); exit(1); }
            double step = nanoseconds() - start;
            if (step > worst) worst = step;
        }
        close(fd);
    }

    if (way != ANON) unlink(path); // frees the page cache it took, for the warm pass
    return worst;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: page-cost DIR [MIB [WAY]]\n"); return 2; }
    int only = -1;
    if (argc > 3)
    {
        for (int w = ANON; w <= DIRECT; w++) if (strcmp(argv[3], ways[w]) == 0) only = w;
        if (only < 0) { fprintf(stderr, "page-cost: WAY must be anon, mapped, mapped-random, buffered or direct (got '%s')\n", argv[3]); return 2; }
    }
    long bytes = (argc > 2 ? atol(argv[2]) : 1024) << 20;
    char path[4096];
    snprintf(path, sizeof path, "%s/page-cost.tmp", argv[1]);
    char *chunk;
    if (posix_memalign((void **)&chunk, PAGE, CHUNK) != 0) return 1;
    memset(chunk, 7, CHUNK);

    printf("%ld MiB each; per 4 KiB: wall ns, CPU ns; longest step\n", bytes >> 20);
    for (enum way way = ANON; way <= DIRECT; way++)
    {
        if (only >= 0 && way != (enum way)only) continue;
        for (int warm = 0; warm <= 1; warm++)
        {
            if (!warm) sleep(15);
            double start = nanoseconds(), cpu = cpu_nanoseconds();
            double worst = take(way, path, bytes, chunk);
            double pages = (double)bytes / PAGE;
            printf("%-18s %-4s %8.0f %8.0f   %8.0f us\n", names[way], warm ? "warm" : "cold",
                   (nanoseconds() - start) / pages, (cpu_nanoseconds() - cpu) / pages, worst / 1e3);
            fflush(stdout);
        }
    }
    return 0;
}
