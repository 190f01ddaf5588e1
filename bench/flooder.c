/* A hostile HTTP server for the memory bench: answers every connection with a response that never
 * ends, in one of several shapes, as fast as the client reads, until the client goes away.
 * Usage: flooder MODE. Binds 127.0.0.1 on a free port and prints the port once listening.
 * MODE: header-lines  "HTTP/1.1 200 OK" then endless "X-Flood: yes" lines
 *       header-line   one header line that never ends
 *       status-line   a status line whose reason phrase never ends
 *       chunk-line    a chunked body whose first chunk-size line never ends
 *       interim       endless "100 Continue" responses
 *       body          a 200 with no length and a body that never ends
 *       chunked-body  a 200 with a chunked body of endless 4 KiB chunks
 * Single-threaded: the bench probes one at a time. Binds loopback only. */
#define _GNU_SOURCE /* POLLRDHUP */
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Stops as soon as the client has closed its end: a client that closed without reading leaves a
 * zero window, and a plain blocking send would wait on it forever, starving the next client. */
static int send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    struct pollfd pfd = {fd, POLLOUT | POLLRDHUP, 0};
    if (poll(&pfd, 1, 5000) <= 0 || (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR))) return 0;
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0 && errno == EAGAIN) continue;
    if (w <= 0) return 0;
    p += w;
    n -= (size_t)w;
  }
  return 1;
}

static void read_request(int fd) {
  char buf[4096], tail[4] = {0};
  for (;;) {
    ssize_t r = recv(fd, buf, sizeof buf, 0);
    if (r <= 0) return;
    for (ssize_t i = 0; i < r; i++) {
      memmove(tail, tail + 1, 3);
      tail[3] = buf[i];
      if (memcmp(tail, "\r\n\r\n", 4) == 0) return;
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 2) return 64;
  const char *mode = argv[1];
  static char unit[16384];
  const char *prefix;
  size_t unit_len = sizeof unit;
  if (!strcmp(mode, "header-lines")) {
    prefix = "HTTP/1.1 200 OK\r\n";
    for (size_t i = 0; i + 14 <= sizeof unit; i += 14) memcpy(unit + i, "X-Flood: yes\r\n", 14);
    unit_len = sizeof unit / 14 * 14;
  } else if (!strcmp(mode, "header-line")) {
    prefix = "HTTP/1.1 200 OK\r\nX-Endless: ";
    memset(unit, 'a', sizeof unit);
  } else if (!strcmp(mode, "status-line")) {
    prefix = "HTTP/1.1 200 ";
    memset(unit, 'r', sizeof unit);
  } else if (!strcmp(mode, "chunk-line")) {
    prefix = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    memset(unit, '1', sizeof unit);
  } else if (!strcmp(mode, "interim")) {
    prefix = "";
    for (size_t i = 0; i + 25 <= sizeof unit; i += 25) memcpy(unit + i, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    unit_len = sizeof unit / 25 * 25;
  } else if (!strcmp(mode, "body")) {
    prefix = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n";
    memset(unit, 'b', sizeof unit);
  } else if (!strcmp(mode, "chunked-body")) {
    prefix = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    unit_len = 0;
    while (unit_len + 4096 + 8 <= sizeof unit) {
      memcpy(unit + unit_len, "1000\r\n", 6);
      memset(unit + unit_len + 6, 'c', 4096);
      memcpy(unit + unit_len + 6 + 4096, "\r\n", 2);
      unit_len += 4096 + 8;
    }
  } else {
    fprintf(stderr, "flooder: unknown mode %s\n", mode);
    return 64;
  }
  signal(SIGPIPE, SIG_IGN);
  int srv = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(srv, (struct sockaddr *)&a, sizeof a) != 0 || listen(srv, 16) != 0) return 1;
  socklen_t len = sizeof a;
  getsockname(srv, (struct sockaddr *)&a, &len);
  printf("%d\n", ntohs(a.sin_port));
  fflush(stdout);
  for (;;) {
    int c = accept(srv, NULL, NULL);
    if (c < 0) continue;
    read_request(c);
    if (send_all(c, prefix, strlen(prefix))) {
      while (send_all(c, unit, unit_len)) {
      }
    }
    close(c);
  }
}
