/* The floor: the least a health probe can do. One static binary, one socket, one GET, read at most
 * 64 KiB (the probe's own cap), healthy if the status line is "HTTP/1.x 2xx". No DNS, no parsing.
 * Usage: floor IPV4 PORT PATH. Built by bench/run.sh with `cc -O2 -static`. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 4) return 64;
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) return 64;
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct timeval tv = {2, 0}; /* per-call timeout keeps a dead server from hanging the bench */
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) != 0) return 1;
  char req[512];
  int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n",
                   argv[3], argv[1], argv[2]);
  if (n <= 0 || n >= (int)sizeof req || write(s, req, (size_t)n) != n) return 1;
  static char buf[65536];
  size_t got = 0;
  ssize_t r;
  while (got < sizeof buf && (r = read(s, buf + got, sizeof buf - got)) > 0) got += (size_t)r;
  close(s);
  return got >= 12 && memcmp(buf, "HTTP/1.", 7) == 0 && buf[9] == '2' ? 0 : 1;
}
