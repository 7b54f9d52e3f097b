#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <time.h>
#define MADV_POPULATE_WRITE 23
static double cpu(){struct timespec t;clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t);return t.tv_sec+t.tv_nsec/1e9;}
static double wall(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(int argc,char**argv){
  int mode=atoi(argv[1]); int nseg=atoi(argv[2]); size_t sz=64<<20, step=128<<10;
  static char zeros[128<<10]; char rec[48]; memset(rec,7,48);
  char paths[64][64]; double tp=0,tw=0;
  for(int s=0;s<nseg;s++){
    sprintf(paths[s],"/tmp/j15-mb/s%d-%d",mode,s); int fd=open(paths[s],O_CREAT|O_RDWR|O_TRUNC,0644);
    fallocate(fd,0,0,sz);
    char*p=mmap(0,sz,PROT_READ|PROT_WRITE,MAP_SHARED,fd,0);
    double c0=cpu();
    for(size_t o=0;o<sz;o+=step){
      if(mode==1) madvise(p+o,step,MADV_POPULATE_WRITE);
      if(mode==3){ pwrite(fd,zeros,step,o); madvise(p+o,step,MADV_POPULATE_WRITE);}
    }
    double c1=cpu();
    for(size_t o=0;o+48<=sz;o+=48) memcpy(p+o,rec,48);
    double c2=cpu();
    munmap(p,sz); close(fd);
    double c3=cpu();
    tp+=c1-c0; tw+=c2-c1;
    if(1) printf("%.2f mode %d seg %d: populate %.2f ns/48B writer %.2f ns/48B unmap %.1f ms\n",wall(),mode,s,(c1-c0)*1e9/(sz/48),(c2-c1)*1e9/(sz/48),(c3-c2)*1e3);
  }
  printf("mode %d total: populate %.2f writer %.2f ns/48B\n",mode,tp*1e9/(nseg*(sz/48)),tw*1e9/(nseg*(sz/48)));
  for(int s=0;s<nseg;s++) unlink(paths[s]);
  return 0;}
