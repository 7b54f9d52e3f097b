#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <time.h>
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
static double cpu(){struct timespec t;clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t);return t.tv_sec+t.tv_nsec/1e9;}
static double wall(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(int argc,char**argv){
  int mode=atoi(argv[1]); size_t sz=64<<20, step=128<<10;
  char path[]="/tmp/j15-mb/segXXXXXX"; int fd=mkstemp(path);
  if(mode!=9) fallocate(fd,0,0,sz); ftruncate(fd,sz);
  char*p=mmap(0,sz,PROT_READ|PROT_WRITE,MAP_SHARED,fd,0);
  static char zeros[128<<10];
  double c0=cpu(),w0=wall();
  for(size_t o=0;o<sz;o+=step){
    if(mode==1) madvise(p+o,step,MADV_POPULATE_WRITE);
    if(mode==2){ posix_fadvise(fd,o,step,POSIX_FADV_WILLNEED); madvise(p+o,step,MADV_POPULATE_WRITE);}
    if(mode==3){ pwrite(fd,zeros,step,o); madvise(p+o,step,MADV_POPULATE_WRITE);}
    if(mode==4){ readahead(fd,o,step); madvise(p+o,step,MADV_POPULATE_WRITE);}
    if(mode==5){ pwrite(fd,zeros,step,o);}
  }
  double c1=cpu(),w1=wall();
  // writer: 48-byte records
  char rec[48]; memset(rec,7,48);
  for(size_t o=0;o+48<=sz;o+=48) memcpy(p+o,rec,48);
  double c2=cpu(),w2=wall();
  printf("mode %d: populate cpu %.1f ms (wall %.1f) = %.2f ns/48B ; writer cpu %.1f ms = %.2f ns/48B\n",mode,(c1-c0)*1e3,(w1-w0)*1e3,(c1-c0)*1e9/(sz/48),(c2-c1)*1e3,(c2-c1)*1e9/(sz/48));
  munmap(p,sz); close(fd); unlink(path); return 0;}
