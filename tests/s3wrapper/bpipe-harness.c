/*
 * The storage daemon's side of one dplcompat call, as Bareos 25.1.0 makes it: OpenBpipe and
 * CloseBpipe (core/src/lib/bpipe_unix.cc), BPipeHandle::getOutput and upload's write loop
 * (core/src/stored/backends/crud_storage.cc). Single-threaded, so the SIGCHLD handler, installed
 * without SA_RESTART as the daemon's is, always interrupts the read that waits for the end of the
 * output: the worst case of the daemon's many threads.
 *
 *   bpipe-harness [-i INPUT] PROGRAM ARGS...
 *
 * Writes what getOutput returned to stdout, then one line to stderr:
 *   exited_at_eof=<1|0> status=<exit code>
 * exited_at_eof=0 is the case where CloseBpipe's one WNOHANG waitpid misses the wrapper and the
 * daemon sleeps a whole second.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_child(int sig) { (void)sig; }

int main(int argc, char** argv)
{
  const char* input = NULL;
  int first = 1;
  if (argc > 2 && strcmp(argv[1], "-i") == 0) {
    input = argv[2];
    first = 3;
  }
  if (first >= argc) {
    fprintf(stderr, "usage: bpipe-harness [-i INPUT] PROGRAM ARGS...\n");
    return 2;
  }

  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_child;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART, as the daemon */
  sigaction(SIGCHLD, &sa, NULL);

  int readp[2], writep[2];
  if (pipe(readp) == -1 || (input && pipe(writep) == -1)) return perror("pipe"), 2;
  pid_t pid = fork();
  if (pid == -1) return perror("fork"), 2;
  if (pid == 0) {
    if (input) {
      close(writep[1]);
      dup2(writep[0], 0);
    }
    close(readp[0]);
    dup2(readp[1], 1);
    dup2(readp[1], 2);
    closefrom(3);
    execvp(argv[first], argv + first);
    perror("Program execution failed");
    _exit(127);
  }
  close(readp[1]);
  FILE* rfd = fdopen(readp[0], "r");

  if (input) {
    close(writep[0]);
    FILE* wfd = fdopen(writep[1], "w");
    FILE* in = fopen(input, "rb");
    if (!in) return perror(input), 2;
    static char data[256 * 1024];
    size_t n;
    while ((n = fread(data, 1, sizeof(data), in)) > 0) {
      size_t done = 0;
      while (done < n) {
        size_t w = fwrite(data + done, 1, n - done, wfd);
        done += w;
        if (done < n) {
          if (errno == EINTR) {
            clearerr(wfd);
            continue;
          }
          fprintf(stderr, "write to the wrapper failed: %s\n", strerror(errno));
          return 2;
        }
      }
    }
    fclose(in);
    fflush(wfd);
    fclose(wfd);
  }

  /* getOutput, as it is: a read that ends with the error flag set keeps nothing. */
  char iobuf[1024];
  while (!feof(rfd)) {
    size_t rsize = fread(iobuf, 1, sizeof(iobuf), rfd);
    if (rsize > 0 && !ferror(rfd)) fwrite(iobuf, 1, rsize, stdout);
  }
  fclose(rfd);

  /* CloseBpipe with a program timeout: one waitpid that does not wait, then a sleep. */
  int status = 0;
  pid_t w;
  do {
    w = waitpid(pid, &status, WNOHANG);
  } while (w == -1 && (errno == EINTR || errno == EAGAIN));
  int exited_at_eof = w == pid;
  if (!exited_at_eof) {
    do {
      w = waitpid(pid, &status, 0);
    } while (w == -1 && errno == EINTR);
  }
  fflush(stdout);
  fprintf(stderr, "exited_at_eof=%d status=%d\n", exited_at_eof,
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return 0;
}
