/* Minimal fixed-response HTTP server for the benchmark, so the server is not what gets measured:
 * the whole response is built once, then every connection is read up to the end of its request
 * headers, answered with one write loop and closed. Single-threaded: the bench probes one at a time.
 * Usage: responder PORT [BODY_BYTES]. Binds 127.0.0.1 only; PORT 0 picks a free port. Prints the
 * port on stdout once listening. BODY_BYTES 0 (default) sends the stand-in webhook's small body;
 * otherwise a JSON body {"status":"healthy",...,"pad":"xxx..."} of exactly that many bytes. */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char SMALL[] = "{\"status\": \"healthy\", \"service\": \"bench-responder\", \"version\": \"0.0.0\"}";

int main(int argc, char **argv) {
  if (argc < 2) return 64;
  size_t body_len = argc > 2 ? strtoull(argv[2], NULL, 10) : 0;
  const char *prefix = "{\"status\":\"healthy\",\"service\":\"bench-responder\",\"pad\":\"";
  size_t fixed = strlen(prefix) + 2; /* the pad's closing quote and brace */
  if (body_len != 0 && body_len < fixed) return 64;
  if (body_len == 0) body_len = sizeof SMALL - 1;
  char head[256];
  int hn = snprintf(head, sizeof head,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                    "Connection: close\r\n\r\n", body_len);
  char *resp = malloc((size_t)hn + body_len);
  if (!resp) return 1;
  memcpy(resp, head, (size_t)hn);
  char *body = resp + hn;
  if (argc > 2 && strtoull(argv[2], NULL, 10) != 0) {
    memcpy(body, prefix, strlen(prefix));
    memset(body + strlen(prefix), 'x', body_len - fixed);
    memcpy(body + body_len - 2, "\"}", 2);
  } else {
    memcpy(body, SMALL, body_len);
  }
  size_t resp_len = (size_t)hn + body_len;

  signal(SIGPIPE, SIG_IGN); /* a probe that stops reading at its cap closes early: not an error */
  int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1]))};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t alen = sizeof addr;
  if (bind(ls, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(ls, 128) != 0 ||
      getsockname(ls, (struct sockaddr *)&addr, &alen) != 0) {
    perror("responder");
    return 1;
  }
  printf("%u\n", ntohs(addr.sin_port));
  fflush(stdout);
  for (;;) {
    int c = accept(ls, NULL, NULL);
    if (c < 0) continue;
    struct timeval tv = {5, 0}; /* a client that stalls cannot wedge the bench */
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    char req[16384];
    size_t got = 0;
    ssize_t r;
    while (got < sizeof req - 1 && (r = read(c, req + got, sizeof req - 1 - got)) > 0) {
      got += (size_t)r;
      req[got] = 0;
      if (strstr(req, "\r\n\r\n")) break;
    }
    for (size_t off = 0; off < resp_len && (r = write(c, resp + off, resp_len - off)) > 0;) off += (size_t)r;
    close(c);
  }
}
