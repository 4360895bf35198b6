/*
 * conet-netns-sockets NETNS ADDRESS PORT: enters the network namespace NETNS (setns), binds a UDP
 * socket and a listening TCP socket on ADDRESS:PORT there, and hands both to its Node parent over
 * the IPC channel Node gave it (NODE_CHANNEL_FD, JSON lines), in Node's own handle-passing
 * format (a NODE_HANDLE message carrying the descriptor as SCM_RIGHTS), so the parent receives
 * a dgram.Socket and a net.Server as if a Node child had sent them. Then it waits for the
 * parent's answer and exits. What src/kernel/linux/namespace-sockets-child.ts does, in a
 * millisecond instead of a Node start. argv only; every failure is a message on stderr and a
 * non-zero exit (the parent then holds nothing).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *what) {
  fprintf(stderr, "%s: %s\n", what, strerror(errno));
  return 1;
}

static int bound(int type, const struct sockaddr_in *address) {
  int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd < 0) return -1;
  if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) return -1;
  if (bind(fd, (const struct sockaddr *)address, sizeof *address) < 0) return -1;
  if (type == SOCK_STREAM && listen(fd, 511) < 0) return -1;
  return fd;
}

static int send_handle(int channel, const char *line, int fd) {
  struct iovec iov = { .iov_base = (void *)line, .iov_len = strlen(line) };
  char control[CMSG_SPACE(sizeof(int))];
  struct msghdr message = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  struct cmsghdr *header = CMSG_FIRSTHDR(&message);
  memset(control, 0, sizeof control);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(header), &fd, sizeof(int));
  return sendmsg(channel, &message, 0) == (ssize_t)iov.iov_len ? 0 : -1;
}

/* Reads the channel until the parent's own answer (a line that is not one of Node's internal
 * NODE_ messages) or its end. */
static void await_answer(int channel) {
  char buffer[4096];
  size_t used = 0;
  for (;;) {
    ssize_t got = read(channel, buffer + used, sizeof buffer - 1 - used);
    if (got <= 0) return;
    used += (size_t)got;
    buffer[used] = '\0';
    char *line = buffer, *end;
    while ((end = strchr(line, '\n')) != NULL) {
      *end = '\0';
      if (strstr(line, "\"NODE_") == NULL) return;
      line = end + 1;
    }
    used = strlen(line);
    memmove(buffer, line, used);
    if (used >= sizeof buffer - 1) used = 0;
  }
}

int main(int argc, char **argv) {
  const char *channel_fd = getenv("NODE_CHANNEL_FD");
  struct sockaddr_in address = { .sin_family = AF_INET };
  char *rest;
  long port = argc == 4 ? strtol(argv[3], &rest, 10) : 0;
  if (argc != 4 || *rest != '\0' || port < 1 || port > 65535 || inet_pton(AF_INET, argv[2], &address.sin_addr) != 1) {
    fprintf(stderr, "usage: conet-netns-sockets NETNS IPV4-ADDRESS PORT\n");
    return 2;
  }
  if (channel_fd == NULL) {
    fprintf(stderr, "no IPC channel (NODE_CHANNEL_FD)\n");
    return 2;
  }
  address.sin_port = htons((uint16_t)port);
  int channel = atoi(channel_fd);
  int netns = open(argv[1], O_RDONLY | O_CLOEXEC);
  if (netns < 0) return fail("open the namespace");
  if (setns(netns, CLONE_NEWNET) < 0) return fail("enter the namespace");
  int udp = bound(SOCK_DGRAM, &address);
  if (udp < 0) return fail("bind UDP");
  int tcp = bound(SOCK_STREAM, &address);
  if (tcp < 0) return fail("bind TCP");
  if (send_handle(channel, "{\"cmd\":\"NODE_HANDLE\",\"type\":\"dgram.Socket\",\"dgramType\":\"udp4\",\"msg\":{\"kind\":\"udp\"}}\n", udp) < 0) return fail("send the UDP socket");
  if (send_handle(channel, "{\"cmd\":\"NODE_HANDLE\",\"type\":\"net.Server\",\"msg\":{\"kind\":\"tcp\"}}\n", tcp) < 0) return fail("send the TCP socket");
  close(udp);
  close(tcp);
  await_answer(channel);
  return 0;
}
