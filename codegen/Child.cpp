//===- Child.cpp - work done in a child process ---------------------------===//

#include "codegen/Child.h"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/prctl.h>
#endif

using namespace mlir::effnet::codegen;

/// Writes all of `text` to `fd`, as far as it will go.
static void writeAll(int fd, const std::string &text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    done += static_cast<size_t>(n);
  }
}

std::string mlir::effnet::codegen::runInChild(
    const std::function<std::string()> &body, unsigned limitSeconds) {
  int fds[2];
  if (pipe(fds) != 0)
    return fmt::format("cannot create a pipe: {}", std::strerror(errno));
  // What the parent buffered is not written twice.
  fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    int error = errno;
    close(fds[0]);
    close(fds[1]);
    return fmt::format("cannot start a process: {}", std::strerror(error));
  }
  if (pid == 0) {
    close(fds[0]);
#ifdef __linux__
    // Gone with its parent (a killed effnetc leaves no compiles behind).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    // A crash here is the parent's message ("died of signal N"): no stack
    // dump, and no handler of the parent's (LLVM's removes its files).
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGINT,
                    SIGTERM, SIGPIPE, SIGXCPU, SIGXFSZ})
      signal(sig, SIG_DFL);
    std::string message = body();
    // "!" + message: a message, even an empty one, came back.
    writeAll(fds[1], "!" + message);
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  using Clock = std::chrono::steady_clock;
  Clock::time_point deadline =
      Clock::now() + std::chrono::seconds(limitSeconds);
  std::string reply;
  bool timedOut = false;
  for (;;) {
    int wait = -1;
    if (limitSeconds) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - Clock::now())
                      .count();
      if (left <= 0) {
        timedOut = true;
        break;
      }
      wait = static_cast<int>(std::min<long long>(left, 1000));
    }
    pollfd p{fds[0], POLLIN, 0};
    int ready = poll(&p, 1, wait);
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready == 0)
      continue;
    char buffer[4096];
    ssize_t n = ready < 0 ? -1 : read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    reply.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timedOut)
    kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timedOut)
    return fmt::format("took more than {} s", limitSeconds);
  if (WIFSIGNALED(status))
    return fmt::format("died of signal {} ({})", WTERMSIG(status),
                       strsignal(WTERMSIG(status)));
  if (reply.empty() || reply[0] != '!')
    return WIFEXITED(status) && WEXITSTATUS(status) != 0
               ? fmt::format("exited with status {}", WEXITSTATUS(status))
               : "ended without saying why";
  return reply.substr(1);
}
